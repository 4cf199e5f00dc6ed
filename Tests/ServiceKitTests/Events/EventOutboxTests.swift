import Contracts
import Foundation
import Synchronization
import Testing
import Wire
@testable import PurrpurrTestSupport
@testable import ServiceKit

/// The reusable event outbox against a real PostgreSQL: written only with its transaction, handed on until
/// the call succeeds (same event id every time), then removed.
@Suite("EventOutbox (PostgreSQL)", .enabled(if: TestDatabase.serverURL != nil, "PURRPURR_TEST_DATABASE_URL is not set"))
struct EventOutboxTests {
    final class Calls: Sendable {
        let state = Mutex<(requests: [EmitEventRequest], projects: [String?], failures: Int)>(([], [], 0))
    }

    @Test("an event is kept until Comms answers, retried with the same id, and never written by a rolled-back change")
    func retriedUntilAnswered() async throws {
        let database = try await TestDatabase.create(prefix: "events")
        let pool = PostgresPool(configuration: try PostgresConfiguration(url: database.url))
        let schema = "svc"
        try await Migrator(schema: schema, migrations: [EventOutbox.migration(version: 1, schema: schema)]).migrate(on: pool)
        let calls = Calls()
        calls.state.withLock { $0.failures = 1 }
        var settings = EventOutbox.Settings()
        settings.initialBackoff = .milliseconds(50)
        let outbox = EventOutbox(pool: pool, schema: schema, emit: { request, context in
            try calls.state.withLock { state in
                state.requests.append(request)
                state.projects.append(context.projectID)
                if state.failures > 0 {
                    state.failures -= 1
                    throw WireError(.unavailable, "comms is down")
                }
            }
        }, logger: Logger(handler: InMemoryLogHandler()), settings: settings, listens: false)

        let id = try await pool.withTransaction { tx in
            try await EventOutbox.enqueue(tx, schema: schema, projectID: "prj_1", type: .authUserCreated, data: ["user_id": "usr_1"])
        }
        struct Rollback: Error {}
        _ = try? await pool.withTransaction { tx in
            try await EventOutbox.enqueue(tx, schema: schema, projectID: "prj_1", type: .authUserCreated, data: ["user_id": "usr_2"])
            throw Rollback()
        }
        #expect(await outbox.drainOnce() == 1)
        #expect(try await pool.query("SELECT id FROM svc.event_outbox").count == 1)
        #expect(await outbox.drainOnce() == 0)  // backing off
        try await Task.sleep(for: .milliseconds(120))
        #expect(await outbox.drainOnce() == 1)
        #expect(try await pool.query("SELECT id FROM svc.event_outbox").isEmpty)
        let (requests, projects) = calls.state.withLock { ($0.requests, $0.projects) }
        #expect(requests.map(\.eventID) == [id, id])
        #expect(projects == ["prj_1", "prj_1"])
        #expect(requests.first?.type == .authUserCreated)
        #expect(requests.first?.dataJSON == #"{"user_id":"usr_1"}"#)
        #expect(outbox.backoff(afterAttempt: 30) == settings.maximumBackoff)
        await pool.close()
        try await database.drop()
    }
}
