import Foundation
import Synchronization

/// Notes when each key was last used, in memory, so `last_used_at` is written in batches instead of per request.
///
/// ```swift
/// recorder.record(keyID: record.id, at: now)         // on every authenticated request: a dictionary write
/// // every few seconds, in the integrator's flush task:
/// let batch = recorder.drain()
/// do { try await store.updateLastUsed(batch) } catch { recorder.restore(batch) }
/// ```
///
/// Only authenticated keys are recorded, so the pending set is bounded by the number of live keys.
final class KeyUsageRecorder: Sendable {
    private let pending = Mutex<[String: Date]>([:])

    /// Creates an empty recorder.
    init() {}

    /// Notes that `keyID` was used at `time` (keeping the later time if one is pending).
    func record(keyID: String, at time: Date) {
        pending.withLock { pending in
            if let existing = pending[keyID], existing >= time { return }
            pending[keyID] = time
        }
    }

    /// Hands out everything noted since the last drain (key id → last use) and starts afresh.
    func drain() -> [String: Date] {
        pending.withLock { pending in
            let batch = pending
            pending = [:]
            return batch
        }
    }

    /// Puts back a batch whose write failed, without overwriting later uses noted meanwhile.
    func restore(_ batch: [String: Date]) {
        pending.withLock { pending in
            pending.merge(batch) { current, restored in max(current, restored) }
        }
    }

    /// How many keys have an unflushed use.
    var pendingCount: Int { pending.withLock { $0.count } }
}
