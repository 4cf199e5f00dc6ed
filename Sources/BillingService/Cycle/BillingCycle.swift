import Contracts
import Foundation
import ServiceKit

/// The background loop of every replica: every ``interval`` (or at once when poked) it runs what is due
/// (``BillingStore/runDue(afterCharge:)``: expiries, trial ends, renewals — each claimed so replicas share
/// the work and never do it twice) and sends pending alerts (``AlertOutbox``).
struct BillingCycle: Service {
    /// The tables.
    let store: BillingStore
    /// The alert sender.
    let alerts: AlertOutbox
    /// How often.
    let interval: Duration
    /// Failures (codes only).
    let logger: Logger

    func run() async throws {
        let stop = Task {
            while !Task.isCancelled {
                do {
                    try await store.runDue()
                    while try await alerts.dispatch() > 0 {}
                } catch {
                    logger.warning("billing cycle pass failed", metadata: [.errorType: .errorType(error)])
                }
                try? await Task.sleep(for: interval)
            }
        }
        await withGracefulShutdownHandler {
            _ = await stop.result
        } onGracefulShutdown: {
            stop.cancel()
        }
    }
}
