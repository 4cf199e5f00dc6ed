import Contracts
import Foundation
import ServiceKit

/// The WhatsApp tables of Comms' schema (migration 6): settings, instances, SmartSend's queue, message events
/// and suppressed numbers. Every project-facing method filters by the project; the extensions group the
/// queue (`+Queue`) and the health and connection changes (`+Health`).
struct WhatsAppStore: Sendable {
    /// Comms' store (the schema, the settlements and the event outbox).
    let comms: CommsStore

    var pool: PostgresPool { comms.pool }

    /// `schema.table`.
    func table(_ name: String) -> String { comms.table(name) }

    // MARK: Settings

    /// The project's gateway URL and sealed key, if it set them.
    func settings(projectID: String) async throws -> (url: String?, sealedKey: [UInt8]?) {
        let rows = try await pool.query(
            "SELECT gateway_url, api_key_sealed FROM \(table("whatsapp_settings")) WHERE project_id = $1", [projectID])
        guard let row = rows.first else { return (nil, nil) }
        return try row.decode((String?, [UInt8]?).self)
    }

    /// Writes the project's gateway; `keepURL`/`keepKey` leave a column as it is.
    func saveSettings(projectID: String, url: String?, keepURL: Bool, sealedKey: [UInt8]?, keepKey: Bool) async throws {
        try await pool.execute("""
            INSERT INTO \(table("whatsapp_settings")) (project_id, gateway_url, api_key_sealed) VALUES ($1, $2, $4)
            ON CONFLICT (project_id) DO UPDATE SET
                gateway_url = CASE WHEN $3 THEN \(table("whatsapp_settings")).gateway_url ELSE $2 END,
                api_key_sealed = CASE WHEN $5 THEN \(table("whatsapp_settings")).api_key_sealed ELSE $4 END,
                updated_at = clock_timestamp()
            """, [projectID, url, keepURL, sealedKey, keepKey])
    }

    // MARK: Instances

    /// Inserts an instance unless the project already has `limit` (counted under a per-project lock so two
    /// creations cannot both pass); false when the limit is reached.
    func insertInstance(id: String, projectID: String, name: String, tokenHash: [UInt8], limit: Int?) async throws -> Bool {
        try await pool.withTransaction { tx in
            try await tx.execute("SELECT pg_advisory_xact_lock(hashtext('whatsapp_instances:' || $1))", [projectID])
            if let limit {
                let count = try await tx.query(
                    "SELECT count(*)::bigint FROM \(table("whatsapp_instances")) WHERE project_id = $1", [projectID]
                ).first?.decode(Int64.self, at: 0) ?? 0
                if count >= Int64(limit) { return false }
            }
            try await tx.execute("""
                INSERT INTO \(table("whatsapp_instances")) (id, project_id, name, token_hash) VALUES ($1, $2, $3, $4)
                """, [id, projectID, name, tokenHash])
            return true
        }
    }

    /// Removes an instance row (after its queue moved).
    func deleteInstance(id: String) async throws {
        try await pool.execute("DELETE FROM \(table("whatsapp_instances")) WHERE id = $1", [id])
    }

    /// One of the project's instances.
    func instance(id: String, projectID: String) async throws -> WhatsAppInstanceRecord? {
        try await pool.query("""
            SELECT \(WhatsAppInstanceRecord.columns) FROM \(table("whatsapp_instances")) WHERE id = $1 AND project_id = $2
            """, [id, projectID]).first.map { try WhatsAppInstanceRecord(row: $0) }
    }

    /// The instance whose webhook token hashes to `tokenHash`.
    func instance(tokenHash: [UInt8]) async throws -> WhatsAppInstanceRecord? {
        try await pool.query("""
            SELECT \(WhatsAppInstanceRecord.columns) FROM \(table("whatsapp_instances")) WHERE token_hash = $1
            """, [tokenHash]).first.map { try WhatsAppInstanceRecord(row: $0) }
    }

    /// The project's instances, newest first.
    func instances(projectID: String) async throws -> [WhatsAppInstanceRecord] {
        try await pool.query("""
            SELECT \(WhatsAppInstanceRecord.columns) FROM \(table("whatsapp_instances")) WHERE project_id = $1
            ORDER BY created_at DESC, id DESC
            """, [projectID]).map { try WhatsAppInstanceRecord(row: $0) }
    }

    // MARK: Messages

    /// A message's event.
    func appendEvent(_ client: some PostgresClient, messageID: String, projectID: String, status: String, detail: String?) async throws {
        try await client.execute("""
            INSERT INTO \(table("whatsapp_message_events")) (message_id, project_id, status, detail) VALUES ($1, $2, $3, $4)
            """, [messageID, projectID, status, detail])
    }

    /// The message as `GET /v1/comms/messages/{id}` shows it (`channel: whatsapp`), or nil.
    func messageView(id: String, projectID: String) async throws -> MessageView? {
        guard let row = try await pool.query("""
            SELECT status, attempts, to_number, created_at FROM \(table("whatsapp_messages")) WHERE id = $1 AND project_id = $2
            """, [id, projectID]).first else { return nil }
        let (status, attempts, to, createdAt) = try row.decode((String, Int, String, Date).self)
        let events = try await pool.query("""
            SELECT at, status, detail FROM \(table("whatsapp_message_events")) WHERE message_id = $1 ORDER BY id
            """, [id]).map { row in
            let (at, status, detail) = try row.decode((Date, String, String?).self)
            return MessageEventView(at: at, status: status, detail: detail)
        }
        return MessageView(
            id: id, channel: "whatsapp", status: status, attempts: attempts, to: [to], tags: [], createdAt: createdAt,
            sendAt: createdAt, events: events)
    }

    /// Whether the project suppressed `number`.
    func isSuppressed(projectID: String, number: String) async throws -> Bool {
        try await !pool.query("""
            SELECT 1 FROM \(table("whatsapp_suppressions")) WHERE project_id = $1 AND number = $2
            """, [projectID, number]).isEmpty
    }

    /// Suppresses `number` for the project (STOP/BAJA, a report).
    func suppress(projectID: String, number: String, reason: String) async throws {
        try await pool.execute("""
            INSERT INTO \(table("whatsapp_suppressions")) (project_id, number, reason) VALUES ($1, $2, $3)
            ON CONFLICT DO NOTHING
            """, [projectID, number, reason])
    }
}
