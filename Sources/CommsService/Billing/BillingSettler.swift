import Contracts
import Foundation
import ServiceKit
import Wire

/// Sends the credit guard's settlements to Billing: each `settlements` row (written in the transaction that
/// made its message `sent`, `failed` or `suppressed`) becomes one `billing.Capture` or `billing.Release`,
/// retried with backoff until Billing answers (a claimed lot concurrently, so Billing commits it as one group).
/// Billing is idempotent by reservation id, so a crash after the call and before the row is marked done repeats
/// it harmlessly; nothing is lost (the row stays until answered) or doubled. Rows are claimed
/// `FOR UPDATE SKIP LOCKED`, so replicas share them.
struct BillingSettler: Service {
    /// The tables.
    let store: CommsStore
    /// Billing, or nil when not configured (rows wait).
    let billing: BillingContract.Client?
    /// How long to sleep when nothing is due.
    let pollInterval: Duration
    /// Failures (ids and codes only).
    let logger: Logger

    func run() async throws {
        guard billing != nil else { return try await gracefulShutdown() }
        let loop = Task {
            while !Task.isCancelled {
                let settled = (try? await settleDue()) ?? 0
                if settled == 0 { try? await Task.sleep(for: pollInterval) }
            }
        }
        await withGracefulShutdownHandler {
            _ = await loop.result
        } onGracefulShutdown: {
            loop.cancel()
        }
    }

    /// Settles up to `limit` due rows; returns how many Billing answered.
    @discardableResult
    func settleDue(limit: Int = 50) async throws -> Int {
        guard let billing else { return 0 }
        return try await store.withDueSettlements(limit: limit) { tx, due in
            // All at once, so they reach Billing's group commit together (one commit for the lot).
            let answers = await withTaskGroup(of: (Int, Bool).self) { group in
                for (index, settlement) in due.enumerated() {
                    group.addTask {
                        let method = settlement.action == "capture" ? BillingContract.capture : BillingContract.release
                        let context = CallContext(
                            requestID: settlement.messageID, projectID: settlement.projectID, deadline: .now + .seconds(5))
                        do {
                            _ = try await billing.call(method, SettleRequest(reservationID: settlement.reservationID), context)
                            return (index, true)
                        } catch {
                            logger.warning("billing settlement not answered yet", metadata: [
                                .messageID: .string(settlement.messageID), .errorType: .errorType(error)])
                            return (index, false)
                        }
                    }
                }
                var answers = Array(repeating: false, count: due.count)
                for await (index, answered) in group { answers[index] = answered }
                return answers
            }
            for (settlement, answered) in zip(due, answers) {
                try await store.recordSettlement(tx, settlement, done: answered)
            }
            return answers.filter { $0 }.count
        }
    }
}
