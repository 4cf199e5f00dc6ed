import Foundation
import ServiceKit

/// One row of `whatsapp_instances` as SmartSend and the handlers read it, with its pace kept in the row
/// (migration 8): the instants of its last texts (a ring of ``InstancePace/perMinute``) and the count of the
/// current warm-up day, so pacing never counts message rows.
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
    /// When its last texts left for the gateway, oldest first (at most ``InstancePace/perMinute``).
    var recentSends: [Date]
    /// The warm-up day `sentToday` counts (its start), nil before the first text.
    var dayStart: Date?
    /// Texts that left for the gateway in the day starting at `dayStart`.
    var sentToday: Int

    /// The columns, in ``init(row:)``'s order.
    static let columns = qualifiedColumns("")

    /// The columns with `alias` (e.g. `"i."`) before each name.
    static func qualifiedColumns(_ alias: String) -> String {
        ["id", "project_id", "name", "connection", "health", "health_reason", "health_changed_at", "first_open_at",
         "created_at"].map { alias + $0 }.joined(separator: ", ")
            + ", to_jsonb(\(alias)recent_sends), \(alias)day_start, \(alias)sent_today"
    }

    /// Decodes the columns of ``columns`` starting at column `offset`.
    init(row: PostgresRow, offset: Int = 0) throws {
        func column<T: PostgresDecodable>(_ index: Int, _: T.Type = T.self) throws -> T { try row.decode(T.self, at: offset + index) }
        (id, projectID, name, connection, health) = try (column(0), column(1), column(2), column(3), column(4))
        (healthReason, healthChangedAt, firstOpenAt, createdAt) = try (column(5), column(6), column(7), column(8))
        recentSends = try column(9, PostgresJSON<[Int64]>.self).value.map(Self.date(micros:))
        (dayStart, sentToday) = try (column(10), column(11))
    }

    /// The record with the pace its row has after a text left (``WhatsAppStore/markLeaving(_:)``).
    func with(_ pace: WhatsAppInstancePace) -> WhatsAppInstanceRecord {
        var record = self
        record.recentSends = pace.recentSends
        record.dayStart = pace.dayStart
        record.sentToday = pace.sentToday
        return record
    }

    /// Whether SmartSend may give it texts.
    var maySend: Bool { connection == "open" && health != "BANNED" }

    /// Microseconds since the epoch (how the ring is stored) as a date.
    static func date(micros: Int64) -> Date { Date(timeIntervalSince1970: Double(micros) / 1_000_000) }

    /// A date as whole microseconds since the epoch.
    static func micros(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1_000_000).rounded()) }
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
