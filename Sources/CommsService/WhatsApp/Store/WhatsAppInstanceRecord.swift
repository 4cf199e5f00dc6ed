import Foundation
import ServiceKit

/// One row of `whatsapp_instances` as SmartSend and the handlers read it.
struct WhatsAppInstanceRecord: Sendable, Hashable {
    let id: String
    let projectID: String
    let name: String
    /// `connecting`, `open` or `close`.
    let connection: String
    /// `WARMUP`, `ACTIVE`, `THROTTLED` or `BANNED`.
    let health: String
    let healthReason: String?
    let healthChangedAt: Date
    /// The start of warm-up day 1 (nil until the first `open`).
    let firstOpenAt: Date?
    let createdAt: Date

    /// The columns, in ``init(row:)``'s order.
    static let columns = "id, project_id, name, connection, health, health_reason, health_changed_at, first_open_at, created_at"

    init(row: PostgresRow) throws {
        (id, projectID, name, connection, health, healthReason, healthChangedAt, firstOpenAt, createdAt) = try row.decode(
            (String, String, String, String, String, String?, Date, Date?, Date).self)
    }

    /// Whether SmartSend may give it texts.
    var maySend: Bool { connection == "open" && health != "BANNED" }
}

/// One claimed message of SmartSend's queue.
struct WhatsAppQueuedMessage: Sendable, Hashable {
    let id: String
    let projectID: String
    let instanceID: String
    let to: String
    let text: String
    let attempts: Int
    let createdAt: Date
    /// When an earlier attempt's text left for the gateway with no answer recorded (the worker died mid-call, or
    /// the call ended without a clear answer): the text may have been sent, so it is reconciled before any resend.
    var leftAt: Date? = nil
}
