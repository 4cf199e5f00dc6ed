import Contracts
import ServiceKit
import Wire

extension CommsStore {
    /// Applies a provider event to its message, once per `eventID`: `delivered` moves a sent message to
    /// `delivered`; `bounced` / `complained` set that status and suppress `email` in the message's project.
    /// The `email.*` webhook event is recorded in the same transaction. Returns false for a repeated event id
    /// (nothing changes); throws `NOT_FOUND` for an unknown message.
    func recordDeliveryEvent(
        eventID: String, messageID: String, status: String, email: String, detail: String
    ) async throws -> Bool {
        try await pool.withTransaction { tx in
            let rows = try await tx.query(
                "SELECT project_id FROM \(table("messages")) WHERE id = $1 FOR UPDATE", [messageID])
            guard let projectID = try rows.first?.decode(String.self, at: 0) else { throw PublicError.notFound() }
            let fresh = try await tx.execute(
                "INSERT INTO \(table("provider_events")) (event_id) VALUES ($1) ON CONFLICT DO NOTHING", [eventID])
            guard fresh == 1 else { return false }
            // A late `delivered` never hides a bounce or complaint already recorded.
            let guardClause = status == "delivered" ? "AND status NOT IN ('bounced', 'complained')" : ""
            let changed = try await tx.execute(
                "UPDATE \(table("messages")) SET status = $2, updated_at = clock_timestamp() WHERE id = $1 \(guardClause)",
                [messageID, status])
            if changed == 1, let type = Self.webhookType(status) {
                try await emitOwnEvent(tx, projectID: projectID, type: type, data: ["message_id": messageID, "status": status])
            }
            try await appendEvent(tx, messageID: messageID, projectID: projectID, status: status, detail: detail)
            if status != "delivered" {
                try await addSuppression(tx, projectID: projectID, email: email, reason: status)
            }
            return true
        }
    }
}
