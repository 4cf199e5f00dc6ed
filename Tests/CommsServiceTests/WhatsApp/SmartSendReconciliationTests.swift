import Contracts
import Foundation
import ServiceKit
import Testing
@testable import CommsService
@testable import PurrpurrTestSupport

/// A text whose send had left for the gateway with no answer recorded (a SIGKILL mid-call, a 5xx, a timeout) is
/// looked for at the gateway (`findMessages`) before any resend: found, it is `sent` with the gateway's id and
/// never sent twice; not found, it is sent once. Another message's identical text is never taken for it.
@Suite("SmartSend reconciliation (PostgreSQL, fake gateway)", .serialized,
       .enabled(if: CommsHarness.databaseURL != nil, CommsHarness.disabledReason))
struct SmartSendReconciliationTests {
    @Test("after a crash mid-send: a text the gateway took is not sent again; one it never got is sent once")
    func crashMidSend() async throws {
        let harness = try await SmartSendHarness(jitter: "0-0")
        defer { Task { await harness.close() } }
        let schema = harness.comms.schema
        _ = try await harness.instance()
        let took = try await harness.send("+51911111111", "Hola", reservation: "rsv_took")
        var worker = harness.startWorker()
        _ = try await harness.waitFor(took.id) { $0.status == "sent" || $0.status == "delivered" }
        await worker.stop()
        let gatewayID = try #require(try await gatewayMessageID(harness, took.id))

        // As if the worker died between the gateway's answer and its commit: `sending`, lease over, no id, not captured.
        try await harness.comms.pool.execute("""
            UPDATE \(schema).whatsapp_messages SET status = 'sending', gateway_message_id = NULL,
                lease_until = clock_timestamp() - interval '1 second' WHERE id = $1
            """, [took.id])
        try await harness.comms.pool.execute("DELETE FROM \(schema).settlements WHERE reservation_id = 'rsv_took'")
        // The same text to the same number, whose worker died after marking it leaving but before the gateway got it.
        let lost = try await harness.send("+51911111111", "Hola", reservation: "rsv_lost")
        try await harness.comms.pool.execute("""
            UPDATE \(schema).whatsapp_messages SET status = 'sending', attempts = 1,
                text_at = clock_timestamp() - interval '1 second', lease_until = clock_timestamp() - interval '1 second'
            WHERE id = $1
            """, [lost.id])

        worker = harness.startWorker()
        _ = try await harness.waitFor(lost.id) { $0.status == "sent" || $0.status == "delivered" }
        _ = try await harness.waitFor(took.id) { $0.status == "sent" || $0.status == "delivered" }
        await worker.stop()

        let texts = try await harness.texts()
        #expect(texts.count == 2, "one text each, never two for the one the gateway took")
        #expect(try await gatewayMessageID(harness, took.id) == gatewayID)
        let lostID = try await gatewayMessageID(harness, lost.id)
        #expect(lostID != nil && lostID != gatewayID)
        #expect(try await harness.gateway.calls().contains { $0.path == "/chat/findMessages" })
        #expect(try await harness.settlements() == ["rsv_took": "capture", "rsv_lost": "capture"])
    }

    @Test("a 5xx on the text is unsure: the retry asks the gateway first, then sends once")
    func serverErrorIsReconciled() async throws {
        let harness = try await SmartSendHarness(jitter: "0-0")
        defer { Task { await harness.close() } }
        _ = try await harness.instance()
        try await harness.gateway.force("/message/sendText", status: 502)
        let message = try await harness.send("+51922222222", "Hola", reservation: "rsv_5xx")
        let worker = harness.startWorker()
        _ = try await harness.waitFor(message.id, timeout: .seconds(30)) { $0.status == "sent" || $0.status == "delivered" }
        await worker.stop()
        let calls = try await harness.gateway.calls()
        let paths = calls.map(\.path).filter { $0 == "/message/sendText" || $0 == "/chat/findMessages" }
        #expect(paths == ["/message/sendText", "/chat/findMessages", "/message/sendText"])
        #expect(try await harness.settlements() == ["rsv_5xx": "capture"])
    }

    private func gatewayMessageID(_ harness: SmartSendHarness, _ id: String) async throws -> String? {
        try await harness.comms.pool.query(
            "SELECT gateway_message_id FROM \(harness.comms.schema).whatsapp_messages WHERE id = $1", [id]
        ).first?.decode(String?.self, at: 0)
    }
}
