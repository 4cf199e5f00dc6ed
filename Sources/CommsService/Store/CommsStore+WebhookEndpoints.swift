import Contracts
import Foundation
import ServiceKit

/// A webhook endpoint row (its secrets still sealed).
struct StoredWebhookEndpoint: Sendable, Hashable {
    /// `we_…`.
    var id: String
    /// The owning project.
    var projectID: String
    /// Where deliveries go.
    var url: String
    /// Subscribed types or `*`.
    var events: [String]
    /// The project's note.
    var description: String?
    /// `enabled` or `disabled`.
    var status: String
    /// The current signing key, sealed.
    var secretSealed: [UInt8]
    /// The billing email to tell when the endpoint is disabled for failing.
    var alertEmail: String?
    /// When it was created.
    var createdAt = Date()

    /// The public view.
    var view: WebhookEndpointView {
        WebhookEndpointView(
            id: id, url: url, events: events, description: description, status: status, createdAt: createdAt)
    }
}

/// What an update changes (nil keeps).
struct WebhookEndpointChanges: Sendable {
    var url: String?
    var events: [String]?
    var status: String?
    var description: String?
    var alertEmail: String?
}

extension CommsStore {
    /// Inserts a new endpoint.
    func insertEndpoint(_ endpoint: StoredWebhookEndpoint) async throws -> WebhookEndpointView {
        let rows = try await pool.query("""
            INSERT INTO \(table("webhook_endpoints"))
                (id, project_id, url, events, description, status, secret_sealed, alert_email)
            VALUES ($1, $2, $3, \(CommsSQL.textArray("$4")), $5, $6, $7, $8)
            RETURNING \(Self.endpointColumns)
            """, [endpoint.id, endpoint.projectID, endpoint.url, PostgresJSON(endpoint.events), endpoint.description,
                  endpoint.status, endpoint.secretSealed, endpoint.alertEmail])
        return try Self.endpointView(rows[0])
    }

    /// The project's endpoint, or nil (another project's id looks absent).
    func endpoint(id: String, projectID: String) async throws -> WebhookEndpointView? {
        try await pool.query(
            "SELECT \(Self.endpointColumns) FROM \(table("webhook_endpoints")) WHERE id = $1 AND project_id = $2",
            [id, projectID]
        ).first.map(Self.endpointView)
    }

    /// A page of the project's endpoints, newest first.
    func listEndpoints(projectID: String, page: PageQuery) async throws -> Page<WebhookEndpointView> {
        let (views, next) = try await newestFirst(
            "webhook_endpoints", columns: Self.endpointColumns, projectID: projectID, page: page,
            decode: Self.endpointView, id: \.id)
        return Page(data: views, nextCursor: next)
    }

    /// Applies `changes`; nil if the project has no such endpoint. Disabling fails the endpoint's pending
    /// deliveries (what happens while disabled is never sent later); enabling forgets its failing streak.
    func updateEndpoint(id: String, projectID: String, _ changes: WebhookEndpointChanges) async throws -> WebhookEndpointView? {
        try await pool.withTransaction { tx in
            let rows = try await tx.query("""
                UPDATE \(table("webhook_endpoints")) SET
                    url = coalesce($3, url),
                    events = CASE WHEN $4::jsonb IS NULL THEN events ELSE \(CommsSQL.textArray("$4")) END,
                    description = coalesce($5, description),
                    alert_email = coalesce($7, alert_email),
                    failing_since = CASE WHEN $6 = 'enabled' AND status = 'disabled' THEN NULL ELSE failing_since END,
                    disabled_reason = CASE WHEN $6 IS NULL THEN disabled_reason WHEN $6 = 'disabled' THEN 'manual' END,
                    status = coalesce($6, status), updated_at = clock_timestamp()
                WHERE id = $1 AND project_id = $2
                RETURNING \(Self.endpointColumns)
                """, [id, projectID, changes.url, changes.events.map(PostgresJSON.init), changes.description,
                      changes.status, changes.alertEmail])
            guard let row = rows.first else { return nil }
            if changes.status == "disabled" { try await failPending(tx, endpointID: id, reason: "The endpoint was disabled.") }
            return try Self.endpointView(row)
        }
    }

    /// Fails every pending delivery of the endpoint (it was disabled).
    func failPending(_ client: some PostgresClient, endpointID: String, reason: String) async throws {
        try await client.execute("""
            UPDATE \(table("webhook_deliveries"))
            SET status = 'failed', next_attempt_at = NULL, lease_until = NULL, last_error = $2, updated_at = clock_timestamp()
            WHERE endpoint_id = $1 AND status = 'pending'
            """, [endpointID, reason])
    }

    /// Deletes the endpoint and its deliveries; false if the project has no such endpoint.
    func deleteEndpoint(id: String, projectID: String) async throws -> Bool {
        try await pool.execute(
            "DELETE FROM \(table("webhook_endpoints")) WHERE id = $1 AND project_id = $2", [id, projectID]) == 1
    }

    /// Replaces the signing key; the current one keeps signing until `overlap` from now. Nil if absent.
    func rotateSecret(
        id: String, projectID: String, sealed: [UInt8], overlap: Duration
    ) async throws -> WebhookEndpointView? {
        try await pool.query("""
            UPDATE \(table("webhook_endpoints"))
            SET previous_secret_sealed = secret_sealed, secret_sealed = $3,
                previous_secret_until = clock_timestamp() + $4::bigint * interval '1 millisecond',
                updated_at = clock_timestamp()
            WHERE id = $1 AND project_id = $2
            RETURNING \(Self.endpointColumns)
            """, [id, projectID, sealed, overlap.wholeMilliseconds]).first.map(Self.endpointView)
    }

    private static let endpointColumns =
        "id, url, to_jsonb(events) AS events, description, status, created_at"

    private static func endpointView(_ row: PostgresRow) throws -> WebhookEndpointView {
        let (id, url, events, description, status, createdAt) =
            try row.decode((String, String, PostgresJSON<[String]>, String?, String, Date).self)
        return WebhookEndpointView(
            id: id, url: url, events: events.value, description: description, status: status, createdAt: createdAt)
    }
}
