import Contracts
import Foundation
import ServiceKit
import Testing
import Wire
@testable import CommsService

/// The email accept path's group commit (`CommsStore.insertAll`, `EmailAcceptor.commits`) against PostgreSQL:
/// concurrent accepts share commits, every answer is a committed row, idempotency holds inside a batch, and a
/// bad message or a failed batch fails nobody else.
@Suite("Email accept group commit (PostgreSQL)", .enabled(if: CommsHarness.databaseURL != nil, CommsHarness.disabledReason))
struct AcceptGroupCommitTests {
    /// What one concurrent send ended as.
    enum Outcome: Sendable {
        case accepted(SendEmailResponse)
        case refused(PublicErrorCode, String?)
    }

    static func outcome(_ body: () async throws -> SendEmailResponse) async -> Outcome {
        do {
            return .accepted(try await body())
        } catch let error as PublicError {
            return .refused(error.code, error.field)
        } catch let error as MailValidationError {
            return .refused(error.publicError.code, error.publicError.field)
        } catch {
            Issue.record("unexpected error \(error)")
            return .refused(.internal, nil)
        }
    }

    /// `(id, idempotency key)` of every stored message.
    static func stored(_ harness: CommsHarness) async throws -> [(id: String, key: String?)] {
        try await harness.pool.query("SELECT id, idempotency_key FROM \(harness.schema).messages").map { row in
            try row.decode((String, String?).self)
        }
    }

    static func message(_ id: String, key: String? = nil, hash: String = "h", to: String = "ana@example.test",
                        from: String = "noreply@purrpurr.test", reservation: String? = nil) -> NewMessage {
        NewMessage(
            id: id, projectID: CommsHarness.project, recipients: [to], mailFrom: from, tags: ["t"],
            body: Array("Subject: x\r\n\r\nbody \(id)\r\n".utf8), sendAt: Date(),
            idempotency: key.flatMap { key in
                try? IdempotencyCheck(SendEmailRequest(to: [], subject: hash, idempotencyKey: key), method: "comms.SendEmail")
            }, reservationID: reservation)
    }

    /// Send `index` of 500 mixed ones: every 50th (from 7) has an invalid recipient (10 in all); every 25th
    /// (from 3) uses key `key-<index % 250>`, so 20 sends share 10 keys, twice each (index and index + 250).
    static func mixedRequest(_ index: Int) -> SendEmailRequest {
        var request = SendEmailRequest(to: ["user\(index)@example.test"], subject: "Hello", text: "Body \(index)")
        if index % 50 == 7 { request.to = ["not an address"] }
        if index % 25 == 3 {
            request.to = ["keyed\(index % 250)@example.test"]
            request.text = "Keyed \(index % 250)"
            request.idempotencyKey = "key-\(index % 250)"
        }
        return request
    }

    @Test("500 concurrent accepts with invalid ones and repeated keys: every 202 is one committed row, every invalid one its own 400, batches > 1")
    func concurrentAccepts() async throws {
        let harness = try await CommsHarness(transport: ScriptedTransport(), poolSize: 4)
        let outcomes = await withTaskGroup(of: (Int, Outcome).self) { group in
            for index in 0..<500 {
                group.addTask {
                    (index, await Self.outcome { try await harness.send(Self.mixedRequest(index)) })
                }
            }
            return await group.reduce(into: [Int: Outcome]()) { $0[$1.0] = $1.1 }
        }
        #expect(outcomes.count == 500)
        let rows = try await Self.stored(harness)
        let storedIDs = Set(rows.map(\.id))
        var acceptedIDs: [Int: String] = [:]
        for (index, outcome) in outcomes {
            switch outcome {
            case .accepted(let response):
                #expect(index % 50 != 7)
                #expect(response.status == "queued")
                #expect(storedIDs.contains(response.id), "a 202 without its row")
                acceptedIDs[index] = response.id
            case .refused(let code, let field):
                #expect(index % 50 == 7)
                #expect(code == .validationFailed)
                #expect(field == "to.0")
            }
        }
        #expect(acceptedIDs.count == 490)
        // 470 unkeyed messages + 10 keys, each stored once; both sends of a key got the same message.
        #expect(rows.count == 480)
        #expect(Set(rows.compactMap(\.key)).count == 10)
        for index in acceptedIDs.keys where index % 25 == 3 && index < 250 {
            #expect(acceptedIDs[index] == acceptedIDs[index + 250])
        }
        let events = try await harness.pool.query(
            "SELECT count(*) FROM \(harness.schema).message_events WHERE status = 'queued'")
        #expect(try events[0].decode(Int.self, at: 0) == 480)
        let sizes = harness.handlers.acceptor.commits.batchSizes
        #expect(sizes.reduce(0) { $0 + $1.key * $1.value } == 490, "each message flushed once: \(sizes)")
        #expect(sizes.keys.contains { $0 > 1 }, "commits were shared: \(sizes)")
    }

    @Test("inside one batch a repeated key makes one message; a different request with it is IDEMPOTENCY_KEY_REUSED")
    func idempotencyInsideABatch() async throws {
        let harness = try await CommsHarness(transport: ScriptedTransport())
        let first = Self.message("msg_batchkeyfirst00000", key: "k", reservation: "rsv_1")
        let repeated = Self.message("msg_batchkeyrepeat0000", key: "k", reservation: "rsv_2")
        let other = Self.message("msg_batchkeyother00000", key: "k", hash: "different", reservation: "rsv_3")
        let plain = Self.message("msg_batchplain00000000")
        let results = try await harness.store.insertAll([first, repeated, other, plain])
        #expect(try results[0].get().id == first.id)
        #expect(try results[1].get().id == first.id)
        #expect(throws: PublicError.self) { try results[2].get() }
        if case .failure(let error as PublicError) = results[2] { #expect(error.code == .idempotencyKeyReused) }
        #expect(try results[3].get() == SendEmailResponse(id: plain.id, status: "queued"))
        #expect(Set(try await Self.stored(harness).map(\.id)) == [first.id, plain.id])
        // The repeat's reservation is released (it made no message); the first's stays with its message.
        let released = try await harness.pool.query(
            "SELECT reservation_id FROM \(harness.schema).settlements WHERE action = 'release' ORDER BY 1")
        #expect(try released.map { try $0.decode(String.self, at: 0) } == ["rsv_2"])
        // A later batch with the same key answers the stored message.
        let later = try await harness.store.insertAll([Self.message("msg_batchkeylater00000", key: "k")])
        #expect(try later[0].get().id == first.id)
    }

    @Test("suppressed recipients are decided in the committing statement: status, event detail, reservation released")
    func suppressedInABatch() async throws {
        let harness = try await CommsHarness(transport: ScriptedTransport())
        try await harness.pool.execute(
            "INSERT INTO \(harness.schema).suppressions (project_id, email, reason) VALUES ($1, 'gone@example.test', 'bounced')",
            [CommsHarness.project])
        let suppressedID = ResourceID.make("msg_")
        let results = try await harness.store.insertAll([
            Self.message(suppressedID, to: "Gone@example.test", reservation: "rsv_s"),
            Self.message(ResourceID.make("msg_")),
        ])
        #expect(try results.map { try $0.get().status } == ["suppressed", "queued"])
        let view = try await harness.message(suppressedID)
        #expect(view.events.map(\.status) == ["suppressed"])
        #expect(view.events.first?.detail == NewMessage.allSuppressedDetail)
        let settlements = try await harness.pool.query("SELECT reservation_id, action FROM \(harness.schema).settlements")
        #expect(settlements.count == 1)
        #expect(try settlements[0].decode((String, String).self) == ("rsv_s", "release"))
    }

    @Test("a bad message fails the batch statement: the batch falls back to one by one and only the bad one fails")
    func badMessageFallsBack() async throws {
        let harness = try await CommsHarness(transport: ScriptedTransport())
        // A NUL cannot be stored in text: jsonb refuses \u0000, so the whole batch statement fails.
        let bad = Self.message("msg_batchbad0000000000", from: "no\u{0}body@purrpurr.test")
        let good = [Self.message("msg_batchgoodone000000"), Self.message("msg_batchgoodtwo000000", key: "g")]
        let results = try await harness.store.insertAll([good[0], bad, good[1]])
        #expect(try results[0].get().id == good[0].id)
        #expect(throws: (any Error).self) { try results[1].get() }
        #expect(try results[2].get().id == good[1].id)
        #expect(Set(try await Self.stored(harness).map(\.id)) == Set(good.map(\.id)))
    }

    @Test("a batch whose commit was cut off after storing a message: that message is answered as stored, not doubled")
    func cutOffCommitIsNotDoubled() async throws {
        let harness = try await CommsHarness(transport: ScriptedTransport())
        let stored = Self.message("msg_batchcutoff0000000")
        _ = try await harness.store.insert(stored)
        let results = try await harness.store.insertAll([stored, Self.message("msg_batchaftercut00000")])
        #expect(try results[0].get() == SendEmailResponse(id: stored.id, status: "queued"))
        #expect(try results[1].get().status == "queued")
        let events = try await harness.pool.query(
            "SELECT count(*) FROM \(harness.schema).message_events WHERE message_id = $1", [stored.id])
        #expect(try events[0].decode(Int.self, at: 0) == 1)
    }
}
