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

    /// The message id each accepted send (by index) was answered with.
    final class AcceptedIDs: Sendable {
        let byIndex = Mutex<[Int: String]>([:])
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

    @Test("PostgreSQL restarted under 500 concurrent accepts with invalid ones and repeated keys: an invalid one is its own 400 (or unavailable), a valid one committed once with its 202 or answered unavailable")
    func restartWithInvalidAndRepeatedKeys() async throws {
        let cluster = try await PrivateCluster.make()
        defer { cluster.stop() }
        let harness = try await CommsHarness(transport: ScriptedTransport(), poolSize: 4, databaseURL: cluster.url)
        let accepted = AcceptedIDs()
        let outcomes = await withTaskGroup(of: (Int, AcceptGroupCommitTests.Outcome?).self) { group in
            for index in 0..<500 {
                group.addTask {
                    if index >= 150 { try? await Task.sleep(for: .milliseconds((index - 150) * 10)) }
                    do {
                        let response = try await harness.send(AcceptGroupCommitTests.mixedRequest(index))
                        accepted.byIndex.withLock { $0[index] = response.id }
                        return (index, .accepted(response))
                    } catch let error as PostgresError where error.isUnavailable {
                        return (index, nil)
                    } catch let error as PublicError where error.code == .serviceUnavailable {
                        return (index, nil)
                    } catch {
                        return (index, await AcceptGroupCommitTests.outcome { throw error })
                    }
                }
            }
            group.addTask {
                // Restart once the first commits are in, while batches are in flight.
                for _ in 0..<5_000 where accepted.byIndex.withLock({ $0.count }) < 40 {
                    try? await Task.sleep(for: .milliseconds(2))
                }
                try? await cluster.restart()
                return (-1, nil)
            }
            return await group.reduce(into: [Int: AcceptGroupCommitTests.Outcome?]()) { if $1.0 >= 0 { $0[$1.0] = $1.1 } }
        }
        #expect(outcomes.count == 500)
        let rows = try await harness.pool.query("""
            SELECT m.id, m.idempotency_key, (SELECT count(*) FROM \(harness.schema).message_events e WHERE e.message_id = m.id)
            FROM \(harness.schema).messages m
            """).map { try $0.decode((String, String?, Int).self) }
        let events = Dictionary(uniqueKeysWithValues: rows.map { ($0.0, $0.2) })
        var unavailable = 0
        for (index, outcome) in outcomes {
            switch outcome {
            case .accepted(let response)?:
                #expect(index % 50 != 7)
                #expect(events[response.id] == 1, "a 202 without its committed row: \(response.id)")
            case .refused(let code, let field)?:
                #expect(index % 50 == 7, "only the invalid ones are refused (\(code))")
                #expect(code == .validationFailed && field == "to.0")
            case nil:
                // An invalid one too may find the database down first (the project's settings, cached for 1 s).
                unavailable += 1
            }
        }
        let ids = accepted.byIndex.withLock { $0 }
        let refused = outcomes.values.filter { if case .refused? = $0 { true } else { false } }.count
        #expect(ids.count >= 40)
        #expect(refused >= 1)
        #expect(ids.count + unavailable + refused == 500)
        // Both sends of a key that were accepted got the one message; a key is stored at most once.
        for index in ids.keys where index % 25 == 3 && index < 250 {
            if let other = ids[index + 250] { #expect(ids[index] == other) }
        }
        let keys = rows.compactMap(\.1)
        #expect(Set(keys).count == keys.count)
        #expect(Set(ids.values).count == ids.count - ids.keys.filter { $0 % 25 == 3 && $0 < 250 && ids[$0 + 250] != nil }.count)
        #expect(events.values.allSatisfy { $0 == 1 })
        #expect(rows.count <= 480)
        await harness.pool.close()
    }
}
