import Foundation
import ServiceKit

/// SmartSend's per-text statements as group commits: every instance task of a replica submits its claim, its
/// text leaving and its text sent, and the tasks that arrive while one statement is in flight go together in the
/// next (``GroupCommit``: no timer, so a lone instance waits for nothing). Each task is answered only after the
/// commit holding its row, so the order per instance — claim, `text_at`, text to the gateway, `sent` — is kept.
struct SmartSendBatches: Sendable {
    /// Claims an instance's next message (``WhatsAppStore/claimNext(_:lease:)``).
    let claims: GroupCommit<String, SmartSendClaim>
    /// Marks texts leaving (``WhatsAppStore/markLeaving(_:)``).
    let leavings: GroupCommit<SmartSendLeaving, WhatsAppInstancePace?>
    /// Records texts sent (``WhatsAppStore/markSent(_:)``).
    let deliveries: GroupCommit<SmartSendDelivery, Void>

    /// The most rows one statement takes.
    static let maximumBatch = 256

    init(store: WhatsAppStore, lease: Duration) {
        claims = GroupCommit(maximumBatch: Self.maximumBatch) { ids in
            try await store.claimNext(ids, lease: lease).map { .success($0) }
        }
        leavings = GroupCommit(maximumBatch: Self.maximumBatch) { texts in
            try await store.markLeaving(texts).map { .success($0) }
        }
        deliveries = GroupCommit(maximumBatch: Self.maximumBatch) { texts in
            try await store.markSent(texts)
            return texts.map { _ in .success(()) }
        }
    }
}
