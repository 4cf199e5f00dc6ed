import Contracts
import Foundation
import ServiceKit

extension CommsStore {
    /// A Comms event (`whatsapp.*`, `email.*`) to record: a new `evt_` id, `data` of ids and states.
    func ownEvent(projectID: String, type: WebhookEventType, data: [String: String]) -> NewWebhookEvent {
        let payload = WebhookEventPayload.body(type: type, occurredAt: Date(), dataJSON: WebhookEventPayload.data(data))
        return NewWebhookEvent(id: ResourceID.make("evt_"), projectID: projectID, type: type, payload: payload)
    }

    /// Records many events at once inside `client`'s transaction, as ``recordWebhookEvent(_:_:always:endpointID:)``
    /// does one (an event is written only when an enabled endpoint of its project subscribes to its type, with
    /// one pending delivery each), in one statement; wakes the workers after its commit (``WebhookWake``). Answers the deliveries made.
    @discardableResult
    func recordWebhookEvents(_ client: some PostgresClient, _ events: [NewWebhookEvent]) async throws -> Int {
        guard !events.isEmpty else { return 0 }
        let input = events.enumerated().map {
            EventInput(n: $0.offset, id: $0.element.id, project_id: $0.element.projectID, type: $0.element.type.rawValue,
                       payload: $0.element.payload)
        }
        let rows = try await client.query("""
            WITH input AS (
                SELECT * FROM jsonb_to_recordset($1::jsonb) AS i(n int, id text, project_id text, type text, payload text)
            ), targets AS (
                SELECT input.n, e.id AS endpoint_id FROM input JOIN \(table("webhook_endpoints")) e
                    ON e.project_id = input.project_id
                WHERE e.status = 'enabled' AND (input.type = ANY(e.events) OR '*' = ANY(e.events))
            ), event AS (
                INSERT INTO \(table("webhook_events")) (id, project_id, type, payload)
                SELECT id, project_id, type, payload FROM input WHERE EXISTS (SELECT 1 FROM targets WHERE targets.n = input.n)
                ON CONFLICT (id) DO NOTHING
                RETURNING id
            ), made AS (
                INSERT INTO \(table("webhook_deliveries")) (id, project_id, endpoint_id, event_id, next_attempt_at)
                SELECT \(Self.newDeliveryID), input.project_id, targets.endpoint_id, event.id, clock_timestamp()
                FROM targets JOIN input ON input.n = targets.n JOIN event ON event.id = input.id
                RETURNING 1
            )
            SELECT count(*)::bigint FROM made
            """, [PostgresJSON(input)])
        let deliveries = Int(try rows.first?.decode(Int64.self, at: 0) ?? 0)
        if deliveries > 0 { webhookWake.afterCommit(of: client) }
        return deliveries
    }

    private struct EventInput: Codable, Sendable {
        let n: Int
        let id: String
        let project_id: String
        let type: String
        let payload: String
    }
}
