import Foundation
import ServiceKit
import Wire

/// Undoes signups abandoned by a crash: every ``OnboardingConfig/sweepInterval`` each Router replica takes over
/// running sagas whose lease passed more than ``OnboardingConfig/abandonAfter`` ago (one at a time, `FOR UPDATE
/// SKIP LOCKED`, so replicas share the work) and undoes every step of each. A retry with the same
/// `Idempotency-Key` before then finishes the signup instead (``SignupSaga``).
struct SignupSweeper: Service {
    /// The saga and its undo.
    let saga: SignupSaga

    func run() async throws {
        while !Task.isShuttingDownGracefully {
            // In slices, so a drain never waits for a whole interval.
            var waited: Duration = .zero
            while waited < saga.config.sweepInterval, !Task.isShuttingDownGracefully {
                let slice = min(.milliseconds(250), saga.config.sweepInterval - waited)
                do { try await Task.sleep(for: slice) } catch { return }
                waited += slice
            }
            if Task.isShuttingDownGracefully { return }
            await sweep()
        }
    }

    /// Undoes every abandoned saga it can claim now.
    func sweep() async {
        var seen: Set<String> = []
        while !Task.isShuttingDownGracefully {
            let claimed: SignupSagaStore.Saga?
            do {
                claimed = try await saga.store.claimAbandoned(
                    now: Date(), abandonAfter: saga.config.abandonAfter, lease: saga.config.lease)
            } catch {
                saga.logger.warning("signup sweep failed", metadata: [.errorType: .errorType(error)])
                return
            }
            // A saga whose undo failed again comes back at once when `abandonAfter` is 0: next sweep.
            guard let claimed, seen.insert(claimed.id).inserted else { return }
            saga.logger.info("signup saga abandoned, undoing", metadata: [LogKey("saga.id"): .string(claimed.id)])
            let call = CallContext(requestID: "sweep-" + claimed.id, deadline: .now + .seconds(10))
            await saga.undoOrLeave(claimed, call: call)
        }
    }
}
