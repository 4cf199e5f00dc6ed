import Contracts
import Foundation
import ServiceKit
import Synchronization
import Testing
import Wire
@testable import CommsService
@testable import PurrpurrTestSupport

/// Whether a PostgreSQL server of the test's own can be started and restarted.
enum AcceptRestartEnvironment {
    static var canRun: Bool { PrivateCluster.isConfigured && CommsHarness.databaseURL != nil }
}

@Suite("Email accept group commit across a PostgreSQL restart",
       .enabled(if: AcceptRestartEnvironment.canRun, "PURRPURR_TEST_DATABASE_URL, PURRPURR_TEST_PGBIN and PURRPURR_TEST_PGOWNER are needed"))
struct AcceptRestartTests {
    /// What the senders were told.
    final class Answers: Sendable {
        let accepted = Mutex<[String]>([])
        let unavailable = Mutex(0)
    }

    @Test("PostgreSQL restarted under 300 concurrent accepts: each is committed with its 202 or answered unavailable; no 202 without its row, no row twice")
    func restartMidBatch() async throws {
        let cluster = try await PrivateCluster.make()
        defer { cluster.stop() }
        let harness = try await CommsHarness(transport: ScriptedTransport(), poolSize: 4, databaseURL: cluster.url)
        let answers = Answers()
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<300 {
                group.addTask {
                    if index >= 100 { try? await Task.sleep(for: .milliseconds((index - 100) * 15)) }
                    let request = SendEmailRequest(to: ["user\(index)@example.test"], subject: "Hello", text: "Body \(index)")
                    do {
                        let response = try await harness.send(request)
                        answers.accepted.withLock { $0.append(response.id) }
                    } catch let error as PostgresError where error.isUnavailable {
                        answers.unavailable.withLock { $0 += 1 }
                    } catch let error as PublicError where error.code == .serviceUnavailable {
                        answers.unavailable.withLock { $0 += 1 }
                    } catch {
                        Issue.record("unexpected error \(error)")
                    }
                }
            }
            group.addTask {
                // Restart once the first commits are in, while batches are in flight.
                for _ in 0..<5_000 where answers.accepted.withLock({ $0.count }) < 20 {
                    try? await Task.sleep(for: .milliseconds(2))
                }
                try? await cluster.restart()
            }
        }
        let ids = answers.accepted.withLock { $0 }
        let rows = try await harness.pool.query("""
            SELECT m.id, (SELECT count(*) FROM \(harness.schema).message_events e WHERE e.message_id = m.id)
            FROM \(harness.schema).messages m
            """)
        var events: [String: Int] = [:]
        for row in rows {
            let (id, count) = try row.decode((String, Int).self)
            events[id] = count
        }
        #expect(ids.count >= 20)
        #expect(ids.count + answers.unavailable.withLock { $0 } == 300)
        #expect(Set(ids).count == ids.count)
        for id in ids { #expect(events[id] == 1, "a 202 without its committed row: \(id)") }
        #expect(events.values.allSatisfy { $0 == 1 })
        #expect(rows.count <= 300)
        await harness.pool.close()
    }
}
