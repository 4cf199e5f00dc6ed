import Contracts
import Foundation
import ServiceKit
import Testing
@testable import CommsService
@testable import PurrpurrTestSupport

/// SmartSend against the development gateway as its own process: pacing, warm-up cap, priorities, rotation,
/// health transitions and their events, failures never charged, bad input. Pacing is read from the gateway's
/// record of calls; the pace window is shortened (`WHATSAPP_PACE_WINDOW_SECONDS=2`), the limit is the real 10.
@Suite("SmartSend (PostgreSQL, fake gateway)", .serialized, .enabled(if: CommsHarness.databaseURL != nil, CommsHarness.disabledReason))
struct SmartSendTests {
    @Test("pacing at the gateway: presence then text within the jitter, ≤ 10 per window, warm-up cap 20 holds")
    func pacingAndWarmupCap() async throws {
        let harness = try await SmartSendHarness(jitter: "50-100", window: 2)
        defer { Task { await harness.close() } }
        let instance = try await harness.instance()
        #expect(instance.connection == "open")
        #expect(instance.health == "WARMUP")
        #expect(instance.dailyCap == 20)
        var ids: [String] = []
        for index in 0..<22 { ids.append(try await harness.send("+519876\(String(format: "%04d", index))1", reservation: "rsv_\(index)").id) }
        let worker = harness.startWorker()
        _ = try await harness.waitFor(ids[19]) { $0.status != "queued" && $0.status != "sending" }
        try await Task.sleep(for: .seconds(3))
        await worker.stop()

        let calls = try await harness.gateway.calls()
        let texts = calls.filter { $0.path == "/message/sendText" }
        #expect(texts.count == 20)
        // Each text follows its presence `composing` to the same number by the configured 50–100 ms (plus
        // the local work between them, well under a second).
        for text in texts {
            let presence = calls.last { $0.path == "/chat/sendPresence" && $0.number == text.number && $0.at <= text.at }
            #expect(presence?.presence == "composing")
            if let presence {
                let gap = text.at.timeIntervalSince(presence.at)
                #expect(gap >= 0.05 && gap < 1.0, "presence → text gap \(gap)")
            }
        }
        // At most 10 texts in any 2 s window.
        let times = texts.map(\.at).sorted()
        for (index, start) in times.enumerated() {
            #expect(times[index...].prefix { $0.timeIntervalSince(start) < 2 }.count <= 10)
        }
        // The cap: 20 sent, the rest stay queued; the view counts them.
        var statuses: [String] = []
        for id in ids { statuses.append(try await harness.message(id).status) }
        #expect(statuses.filter { $0 == "sent" || $0 == "delivered" }.count == 20)
        #expect(statuses.suffix(2) == ["queued", "queued"])
        let view = try await harness.channel.instance(id: instance.id, projectID: harness.project)
        #expect(view.sentToday == 20)
        // Every sent text captured its reservation; nothing released.
        let settlements = try await harness.settlements()
        #expect(settlements.count == 20)
        #expect(Set(settlements.values) == ["capture"])
        #expect(try await harness.events().filter { $0.type == "whatsapp.sent" }.count == 20)
    }

    @Test("priorities: high before normal before low, FIFO within one")
    func priorities() async throws {
        let harness = try await SmartSendHarness(jitter: "0-0")
        defer { Task { await harness.close() } }
        let instance = try await harness.instance()
        let low = try await harness.send("+51900000001", instance: instance.id, priority: "low")
        _ = try await harness.send("+51900000002", instance: instance.id)
        _ = try await harness.send("+51900000003", instance: instance.id, priority: "high")
        _ = try await harness.send("+51900000004", instance: instance.id, priority: "normal")
        let worker = harness.startWorker()
        _ = try await harness.waitFor(low.id) { $0.status == "sent" || $0.status == "delivered" }
        await worker.stop()
        #expect(try await harness.texts().map(\.number) == ["51900000003", "51900000002", "51900000004", "51900000001"])
    }

    @Test("rotation: texts naming no instance are spread over the open ones")
    func rotation() async throws {
        let harness = try await SmartSendHarness(jitter: "0-0")
        defer { Task { await harness.close() } }
        let first = try await harness.instance("uno")
        let second = try await harness.instance("dos")
        var chosen: [String] = []
        var last = ""
        for index in 0..<6 {
            let accepted = try await harness.send("+5190000010\(index)")
            chosen.append(accepted.instanceID ?? "")
            last = accepted.id
        }
        #expect(chosen.filter { $0 == first.id }.count == 3)
        #expect(chosen.filter { $0 == second.id }.count == 3)
        let worker = harness.startWorker()
        _ = try await harness.waitFor(last) { $0.status == "sent" || $0.status == "delivered" }
        try await Task.sleep(for: .milliseconds(500))
        await worker.stop()
        let texts = try await harness.texts()
        #expect(texts.count == 6)
        #expect(Set(texts.compactMap(\.instance)) == [first.id, second.id])
    }

    @Test("a gateway 401 bans the instance (event, reason) and its queue moves to a healthy one")
    func banMovesQueue() async throws {
        let harness = try await SmartSendHarness(jitter: "0-0")
        defer { Task { await harness.close() } }
        let banned = try await harness.instance("uno")
        let healthy = try await harness.instance("dos")
        try await harness.gateway.force("/message/sendText", status: 401, count: 1)
        let message = try await harness.send("+51900000201", instance: banned.id, reservation: "rsv_ban")
        let worker = harness.startWorker()
        let view = try await harness.waitFor(message.id) { $0.status == "sent" || $0.status == "delivered" }
        await worker.stop()
        #expect(view.status == "sent" || view.status == "delivered")
        let instance = try await harness.channel.instance(id: banned.id, projectID: harness.project)
        #expect(instance.health == "BANNED")
        #expect(instance.healthReason?.contains("401") == true)
        #expect(try await harness.texts().last?.instance == healthy.id)
        let health = try await harness.events().filter { $0.type == "whatsapp.instance.health_changed" }
        #expect(health.count == 1)
        #expect(health.first?.payload.contains("\"BANNED\"") == true)
        #expect(try await harness.settlements() == ["rsv_ban": "capture"])
    }

    @Test("with no healthy instance left the message fails with a reason and its reservation is released")
    func banWithoutAlternativeFails() async throws {
        let harness = try await SmartSendHarness(jitter: "0-0")
        defer { Task { await harness.close() } }
        let only = try await harness.instance()
        try await harness.gateway.force("/message/sendText", status: 403, count: 1)
        let message = try await harness.send("+51900000301", instance: only.id, reservation: "rsv_fail")
        let worker = harness.startWorker()
        let view = try await harness.waitFor(message.id) { $0.status == "failed" }
        await worker.stop()
        #expect(view.status == "failed")
        #expect(view.events.last?.detail == "no healthy WhatsApp instance left")
        #expect(try await harness.settlements() == ["rsv_fail": "release"])
        #expect(try await harness.events().contains { $0.type == "whatsapp.failed" })
    }

    @Test("a number that is not on WhatsApp fails at once, released, never charged")
    func notOnWhatsApp() async throws {
        let harness = try await SmartSendHarness(jitter: "0-0")
        defer { Task { await harness.close() } }
        _ = try await harness.instance()
        // The development gateway answers Evolution's `exists: false` for numbers ending in 000.
        let message = try await harness.send("+51900000000", reservation: "rsv_none")
        let worker = harness.startWorker()
        let view = try await harness.waitFor(message.id) { $0.status == "failed" }
        await worker.stop()
        #expect(view.events.last?.detail == "the number is not on WhatsApp")
        #expect(try await harness.settlements() == ["rsv_none": "release"])
    }

    @Test("429, or three 5xx in a row, throttle the instance (halved pace), with an event and a reason")
    func throttle() async throws {
        let harness = try await SmartSendHarness(jitter: "0-0")
        defer { Task { await harness.close() } }
        let limited = try await harness.instance("uno")
        try await harness.gateway.force("/message/sendText", status: 429, count: 1)
        let first = try await harness.send("+51900000401", instance: limited.id)
        let worker = harness.startWorker()
        let throttled = try await waitForHealth(harness, limited.id, "THROTTLED")
        #expect(throttled.healthReason == "gateway rate limited (429)")
        #expect(try await harness.message(first.id).status == "queued")

        let erring = try await harness.instance("dos")
        try await harness.gateway.force("/message/sendText", status: 502, count: 3)
        let second = try await harness.send("+51900000402", instance: erring.id)
        let afterErrors = try await waitForHealth(harness, erring.id, "THROTTLED", timeout: .seconds(20))
        await worker.stop()
        #expect(afterErrors.healthReason?.hasPrefix("3 gateway errors in a row") == true)
        #expect(try await harness.message(second.id).events.filter { $0.detail == "gateway error (502)" }.count == 3)
        let changes = try await harness.events().filter { $0.type == "whatsapp.instance.health_changed" }
        #expect(changes.count == 2)
        #expect(InstancePace.perMinute(throttled: true) == 5)
    }

    private func waitForHealth(
        _ harness: SmartSendHarness, _ id: String, _ health: String, timeout: Duration = .seconds(10)
    ) async throws -> WhatsAppInstanceView {
        let deadline = ContinuousClock.now + timeout
        while true {
            let view = try await harness.channel.instance(id: id, projectID: harness.project)
            if view.health == health || ContinuousClock.now >= deadline { return view }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    @Test("gateway events: delivered then read (idempotent), STOP suppresses, a close with 401 bans, unknown token refused")
    func gatewayEvents() async throws {
        let harness = try await SmartSendHarness(jitter: "0-0")
        defer { Task { await harness.close() } }
        let token = String(repeating: "t", count: 43)
        let instance = try await harness.instance(token: token)
        let events = WhatsAppEvents(store: harness.store)
        func post(_ event: String, _ data: [String: Any], token: String = token) async throws {
            let body = try JSONSerialization.data(withJSONObject: ["event": event, "instance": instance.id, "data": data])
            try await events.record(WhatsAppEventRequest(token: token, body: Array(body)))
        }
        let message = try await harness.send("+51900000501", instance: instance.id)
        let worker = harness.startWorker()
        _ = try await harness.waitFor(message.id) { $0.status != "queued" && $0.status != "sending" }
        await worker.stop()
        let gatewayID = try await harness.comms.pool.query(
            "SELECT gateway_message_id FROM \(harness.comms.schema).whatsapp_messages WHERE id = $1", [message.id]
        ).first?.decode(String?.self, at: 0)
        #expect(gatewayID?.isEmpty == false)
        try await post("messages.update", ["keyId": gatewayID ?? "", "status": "DELIVERY_ACK"])
        try await post("MESSAGES_UPDATE", ["keyId": gatewayID ?? "", "status": "READ"])
        try await post("messages.update", ["keyId": gatewayID ?? "", "status": "DELIVERY_ACK"])
        let read = try await harness.message(message.id)
        #expect(read.status == "read")
        #expect(read.events.map(\.status) == ["queued", "sent", "delivered", "read"])
        let types = try await harness.events().map(\.type)
        #expect(types.filter { $0 == "whatsapp.delivered" }.count == 1)
        #expect(types.filter { $0 == "whatsapp.read" }.count == 1)

        try await post("messages.upsert", ["key": ["remoteJid": "51900000502@s.whatsapp.net", "fromMe": false],
                                           "message": ["conversation": " BAJA "]])
        let stopped = try await harness.send("+51900000502", instance: instance.id, reservation: "rsv_stop")
        let worker2 = harness.startWorker()
        let failed = try await harness.waitFor(stopped.id) { $0.status == "failed" }
        await worker2.stop()
        #expect(failed.status == "failed")
        #expect(try await harness.settlements()["rsv_stop"] == "release")
        #expect(try await harness.texts().allSatisfy { $0.number != "51900000502" })

        try await post("connection.update", ["state": "close", "statusReason": 401])
        let banned = try await harness.channel.instance(id: instance.id, projectID: harness.project)
        #expect(banned.connection == "close")
        #expect(banned.health == "BANNED")
        await #expect(throws: PublicError.self) { try await post("connection.update", ["state": "open"], token: "nope") }
    }

    @Test("bad input: to not E.164, empty or over-long text, unknown priority, another project's instance")
    func badInput() async throws {
        let harness = try await SmartSendHarness(jitter: "0-0")
        defer { Task { await harness.close() } }
        let other = try await harness.instance("ajeno", project: "prj_other")
        _ = try await harness.instance("propio")
        func field(_ body: () async throws -> Void) async -> String? {
            do { try await body(); return nil } catch { return (error as? PublicError)?.field }
        }
        #expect(await field { _ = try await harness.send("51987654321") } == "to")
        #expect(await field { _ = try await harness.send("+5198") } == "to")
        #expect(await field { _ = try await harness.send("+51 987654321") } == "to")
        #expect(await field { _ = try await harness.send("+51987654321", "") } == "text")
        #expect(await field { _ = try await harness.send("+51987654321", String(repeating: "a", count: 4097)) } == "text")
        #expect(await field { _ = try await harness.send("+51987654321", priority: "urgent") } == "priority")
        #expect(await field { _ = try await harness.send("+51987654321", instance: other.id) } == "instance_id")
        _ = try await harness.send("+51987654321", String(repeating: "a", count: 4096))
        await #expect(throws: PublicError.self) {
            _ = try await harness.channel.instance(id: other.id, projectID: harness.project)
        }
        // The plan's limit.
        await #expect(throws: PublicError.self) {
            _ = try await harness.channel.createInstance(CreateWhatsAppInstanceRequest(name: "x", instanceLimit: 1), projectID: harness.project)
        }
    }
}
