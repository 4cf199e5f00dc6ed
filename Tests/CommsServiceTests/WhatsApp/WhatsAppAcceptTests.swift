import Contracts
import Foundation
import ServiceKit
import Testing
@testable import CommsService
@testable import PurrpurrTestSupport

/// WhatsApp accepts by group commit (`WhatsAppStore.enqueueAll`, `WhatsAppChannel.accepts`) against PostgreSQL:
/// concurrent accepts share commits and are answered only once committed, idempotency keys hold inside a batch
/// and across batches, a bad message or a failed batch fails nobody else.
@Suite("WhatsApp accept group commit (PostgreSQL, fake gateway)", .serialized,
       .enabled(if: CommsHarness.databaseURL != nil, CommsHarness.disabledReason))
struct WhatsAppAcceptTests {
    static func request(_ index: Int, key: String? = nil, text: String? = nil, reservation: String? = nil) -> SendWhatsAppRequest {
        SendWhatsAppRequest(
            to: "+5198\(String(format: "%07d", index))", text: text ?? "Hola \(index)", instanceID: nil, priority: nil,
            reservationID: reservation, idempotencyKey: key)
    }

    @Test("300 concurrent accepts with invalid ones and repeated keys: every 202 is one committed row, batches > 1")
    func concurrentAccepts() async throws {
        let harness = try await SmartSendHarness(jitter: "0-0")
        defer { Task { await harness.close() } }
        let instance = try await harness.instance()
        // Warmed up (full rate), so the day's cap never leaves a text without the instance.
        try await harness.comms.pool.execute(
            "UPDATE \(harness.comms.schema).whatsapp_instances SET health = 'ACTIVE', first_open_at = clock_timestamp() - interval '20 days'")
        let outcomes = await withTaskGroup(of: (Int, Result<SendWhatsAppResponse, any Error>).self) { group in
            for index in 0..<300 {
                group.addTask {
                    var request = Self.request(index, reservation: "rsv_\(index)")
                    if index % 50 == 7 { request.to = "12345" }                             // 6 invalid
                    if index % 30 == 4 {                                                    // 10 sends, 5 keys, twice each
                        request.to = "+51900000\(index % 150)"
                        request.text = "Keyed \(index % 150)"
                        request.idempotencyKey = "key-\(index % 150)"
                    }
                    return (index, await Result(catching: { try await harness.channel.send(request, projectID: harness.project) }))
                }
            }
            return await group.reduce(into: [Int: Result<SendWhatsAppResponse, any Error>]()) { $0[$1.0] = $1.1 }
        }
        let stored = try await harness.comms.pool.query(
            "SELECT id, idempotency_key FROM \(harness.comms.schema).whatsapp_messages"
        ).map { try $0.decode((String, String?).self) }
        let storedIDs = Set(stored.map(\.0))
        var keyed: [String: Set<String>] = [:]
        for (index, outcome) in outcomes {
            switch outcome {
            case .success(let response):
                #expect(index % 50 != 7)
                #expect(response.status == "queued" && response.instanceID == instance.id)
                #expect(storedIDs.contains(response.id), "a 202 without its row")
                if index % 30 == 4 { keyed["key-\(index % 150)", default: []].insert(response.id) }
            case .failure(let error):
                #expect(index % 50 == 7)
                #expect((error as? PublicError)?.field == "to")
            }
        }
        // Each key made one message, answered to both of its requests.
        #expect(keyed.count == 5 && keyed.values.allSatisfy { $0.count == 1 })
        #expect(stored.count == 300 - 6 - 5)
        #expect(Set(stored.compactMap(\.1)).count == 5)
        // The repeats' reservations went back; the first's stays with its message.
        let released = try await harness.settlements().filter { $0.value == "release" }
        #expect(released.count == 5)
        // Every accepted message has its `queued` event.
        let events = try await harness.comms.pool.query(
            "SELECT count(*)::bigint FROM \(harness.comms.schema).whatsapp_message_events WHERE status = 'queued'"
        ).first?.decode(Int64.self, at: 0)
        #expect(events == Int64(stored.count))
        #expect(harness.channel.accepts.batchSizes.keys.contains { $0 > 1 }, "no batch took more than one accept")
    }

    @Test("a batch with a bad row: the statement fails, each other message is committed on its own")
    func badMessageFailsAlone() async throws {
        let harness = try await SmartSendHarness(jitter: "0-0")
        defer { Task { await harness.close() } }
        let instance = try await harness.instance()
        func message(_ id: String, priority: Int = 1, key: String? = nil, hash: String = "a") -> NewWhatsAppMessage {
            NewWhatsAppMessage(
                id: id, projectID: harness.project, instanceID: instance.id, to: "+51987654321", text: "Hola", priority: priority,
                reservationID: "rsv_" + id, idempotency: key.flatMap { key in
                    try? IdempotencyCheck(
                        SendWhatsAppRequest(to: "+1", text: hash, instanceID: nil, priority: nil, idempotencyKey: key),
                        method: CommsContract.sendWhatsApp.name)
                })
        }
        // Priority 9 breaks the table's CHECK: the batch statement fails as a whole.
        let results = await harness.store.enqueueAll([
            message("msg_a"), message("msg_bad", priority: 9), message("msg_k1", key: "k"), message("msg_k2", key: "k"),
            message("msg_k3", key: "k", hash: "other"),
        ])
        #expect((try? results[0].get())?.id == "msg_a")
        #expect((try? results[1].get()) == nil)
        #expect((try? results[2].get())?.id == "msg_k1")
        #expect((try? results[3].get())?.id == "msg_k1")
        #expect(throws: PublicError.self) { try results[4].get() }
        let ids = try await harness.comms.pool.query(
            "SELECT id FROM \(harness.comms.schema).whatsapp_messages ORDER BY id").map { try $0.decode(String.self, at: 0) }
        #expect(ids == ["msg_a", "msg_k1"])
        // A later request with the key answers the stored message; another request with it is refused.
        let again = try await harness.channel.send(
            SendWhatsAppRequest(to: "+51987654321", text: "Hola", instanceID: nil, priority: nil, idempotencyKey: "k2"),
            projectID: harness.project)
        let replay = try await harness.channel.send(
            SendWhatsAppRequest(to: "+51987654321", text: "Hola", instanceID: nil, priority: nil, reservationID: "rsv_r",
                                idempotencyKey: "k2"),
            projectID: harness.project)
        #expect(replay.id == again.id)
        #expect(try await harness.settlements()["rsv_r"] == "release")
        await #expect(throws: PublicError.self) {
            _ = try await harness.channel.send(
                SendWhatsAppRequest(to: "+51987654321", text: "Adiós", instanceID: nil, priority: nil, idempotencyKey: "k2"),
                projectID: harness.project)
        }
        // NUL cannot be stored: refused before anything is written.
        await #expect(throws: PublicError.self) {
            _ = try await harness.channel.send(Self.request(1, text: "a\u{0}b"), projectID: harness.project)
        }
    }

    @Test("the kept choice: a burst is spread over the instances; a chosen instance banned by the commit is given up, a named one kept")
    func keptChoice() async throws {
        let harness = try await SmartSendHarness(jitter: "0-0")
        defer { Task { await harness.close() } }
        let first = try await harness.instance("uno")
        let second = try await harness.instance("dos")
        var chosen: [String?] = []
        for index in 0..<4 { chosen.append(try await harness.send("+5190000060\(index)").instanceID) }
        #expect(chosen.filter { $0 == first.id }.count == 2 && chosen.filter { $0 == second.id }.count == 2)
        // Banned after the chooser was kept: the next texts choosing it are committed without an instance.
        try await harness.comms.pool.execute(
            "UPDATE \(harness.comms.schema).whatsapp_instances SET health = 'BANNED' WHERE id = $1", [first.id])
        for index in 0..<2 {
            let accepted = try await harness.send("+5190000061\(index)")
            #expect(accepted.instanceID != first.id)
            let stored = try await harness.comms.pool.query(
                "SELECT instance_id FROM \(harness.comms.schema).whatsapp_messages WHERE id = $1", [accepted.id]
            ).first?.decode(String?.self, at: 0)
            #expect(stored == accepted.instanceID)
        }
        let named = try await harness.send("+51900000620", instance: first.id)
        #expect(named.instanceID == first.id)
        // A new instance drops the kept choice at once.
        let third = try await harness.instance("tres")
        #expect(try await harness.send("+51900000630").instanceID == third.id)
    }
}
