import Foundation
import Testing
@testable import PurrpurrTestSupport
@testable import ServiceKit

/// These tests restart a server, so each runs its *own* private cluster: the shared one is used by other
/// tests at the same time.
@Suite(
    "PostgreSQL server restarts",
    .enabled(if: PostgresTestEnvironment.canRunPrivateCluster, PostgresTestEnvironment.privateClusterDisabledReason)
)
struct PostgresRestartTests {
    private func withCluster(_ body: (PrivateCluster) async throws -> Void) async throws {
        let cluster = try await PrivateCluster.make(
            binDirectory: PostgresTestEnvironment.binDirectory ?? "", owner: PostgresTestEnvironment.owner ?? ""
        )
        defer { cluster.stop() }  // by PID, even when the test fails
        try await body(cluster)
    }

    @Test("a statement in flight fails with connectionLost; the next statements work without a new pool")
    func poolSurvivesRestart() async throws {
        try await self.withCluster { cluster in
            var configuration = try PostgresConfiguration(url: cluster.url)
            configuration.maxConnections = 2
            configuration.connectTimeout = .seconds(5)
            let events = PostgresEventLog<PostgresPool.Event>()
            let pool = PostgresPool(configuration: configuration) { event in Task { await events.append(event) } }
            // Open both sessions before the restart.
            async let a = pool.query("SELECT 1")
            async let b = pool.query("SELECT 2")
            _ = try await (a, b)

            let sleeper = Task { try await pool.query("SELECT pg_sleep(60)") }
            var active = 0
            for _ in 0..<200 where active == 0 {
                active = try await pool.query(
                    "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(60)%' AND state = 'active'"
                )[0].decode(Int.self, at: 0)
                if active == 0 { try await Task.sleep(for: .milliseconds(20)) }
            }
            try #require(active == 1)

            try await cluster.restart()

            let error = await #expect(throws: PostgresError.self) { try await sleeper.value }
            #expect(error?.code == .connectionLost)

            // Both slots recover: the one whose statement broke, and the idle one the server closed.
            async let c = pool.query("SELECT 3::int")
            async let d = pool.query("SELECT 4::int")
            let (rowsC, rowsD) = try await (c, d)
            #expect(try rowsC[0].decode(Int.self, at: 0) == 3)
            #expect(try rowsD[0].decode(Int.self, at: 0) == 4)
            #expect(await events.wait(timeout: .seconds(2)) {
                $0.contains { if case .connectionLost = $0 { true } else { false } }
            })
            await pool.close()
        }
    }

    @Test("a listener re-subscribes after the server restarts and says so")
    func listenerResubscribes() async throws {
        try await self.withCluster { cluster in
            var configuration = try PostgresConfiguration(url: cluster.url)
            configuration.maxConnections = 1
            configuration.connectTimeout = .seconds(5)
            let listener = try PostgresListener(configuration: configuration, channels: ["revocations"])
            let (log, task) = postgresRecordEvents(listener)
            let pool = PostgresPool(configuration: configuration)
            #expect(await log.wait { $0.contains { $0.isListening } })
            try await pool.notify(channel: "revocations", payload: "before")
            #expect(await log.wait { $0.contains { $0.notification?.payload == "before" } })

            try await cluster.restart()

            #expect(await log.wait(timeout: .seconds(30)) { $0.contains { $0.isReconnected } })
            try await pool.notify(channel: "revocations", payload: "after")
            #expect(await log.wait { $0.contains { $0.notification?.payload == "after" } })
            let lost = await log.events.contains { if case .connectionLost = $0 { true } else { false } }
            #expect(lost)

            listener.stop()
            await task.value
            await pool.close()
        }
    }
}
