import Contracts
import Foundation
import ServiceKit
import Testing
@testable import CommsService

/// Comms' own idempotency: a key is bound to its request's hash and holds 24 h.
@Suite("Comms idempotency keys (PostgreSQL)", .enabled(if: CommsHarness.databaseURL != nil, CommsHarness.disabledReason))
struct IdempotencyCheckTests {
    static func email(_ text: String, key: String?) -> SendEmailRequest {
        SendEmailRequest(to: ["ana@example.test"], subject: "Hello", text: text, idempotencyKey: key)
    }

    func count(_ harness: CommsHarness) async throws -> Int {
        try await harness.pool.query("SELECT count(*)::bigint FROM \(harness.schema).messages")[0].decode(Int.self, at: 0)
    }

    @Test("the same key with the same request replays; with another request it is 422 IDEMPOTENCY_KEY_REUSED, nothing stored")
    func reused() async throws {
        let harness = try await CommsHarness(transport: ScriptedTransport())
        let first = try await harness.send(Self.email("one", key: "k-1"))
        #expect(try await harness.send(Self.email("one", key: "k-1")) == first)
        let error = await CommsHandlersTests.failure { _ = try await harness.send(Self.email("two", key: "k-1")) }
        #expect(error?.code == .idempotencyKeyReused)
        #expect(error?.code.httpStatus == 422)
        let templated = await CommsHandlersTests.failure {
            _ = try await harness.handlers.acceptor.accept(
                SendTemplatedEmailRequest(template: "identity.magiclink", to: ["ana@example.test"], data: [:], idempotencyKey: "k-1"),
                projectID: CommsHarness.project)
        }
        #expect(templated?.code == .idempotencyKeyReused)
        #expect(try await count(harness) == 1)
        await harness.close()
    }

    @Test("after 24 hours the key starts a new message, which is sent")
    func expires() async throws {
        let harness = try await CommsHarness(transport: ScriptedTransport())
        let first = try await harness.send(Self.email("one", key: "k-old"))
        _ = try await harness.pool.execute(
            "UPDATE \(harness.schema).messages SET created_at = created_at - interval '25 hours' WHERE id = $1", [first.id])
        let second = try await harness.send(Self.email("two", key: "k-old"))
        #expect(second.id != first.id && second.status == "queued")
        #expect(try await harness.send(Self.email("two", key: "k-old")) == second)
        #expect(try await count(harness) == 2)
        await harness.close()
    }

    @Test("a key stored before hashes were (NULL) matches any request within its 24 hours")
    func legacyRows() async throws {
        let harness = try await CommsHarness(transport: ScriptedTransport())
        let first = try await harness.send(Self.email("one", key: "k-legacy"))
        _ = try await harness.pool.execute("UPDATE \(harness.schema).messages SET request_hash = NULL", [])
        #expect(try await harness.send(Self.email("two", key: "k-legacy")) == first)
        await harness.close()
    }

    @Test("the hash leaves the key out, and tells methods and bodies apart")
    func hash() throws {
        let a = IdempotencyCheck.hash(Self.email("one", key: "k-a"), method: "comms.SendEmail")
        #expect(a == IdempotencyCheck.hash(Self.email("one", key: "k-b"), method: "comms.SendEmail"))
        #expect(a != IdempotencyCheck.hash(Self.email("one!", key: "k-a"), method: "comms.SendEmail"))
        #expect(a != IdempotencyCheck.hash(Self.email("one", key: "k-a"), method: "comms.SendTemplatedEmail"))
        #expect(a.count == 64)
    }
}
