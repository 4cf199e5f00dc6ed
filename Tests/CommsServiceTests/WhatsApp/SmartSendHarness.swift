import Contracts
import Foundation
import ServiceKit
@testable import CommsService
@testable import PurrpurrTestSupport

/// A Comms harness wired to a fake WhatsApp gateway process (short jitter and pace window), with helpers to make
/// instances, send texts, run SmartSend and read what the gateway recorded.
final class SmartSendHarness: Sendable {
    let comms: CommsHarness
    let gateway: FakeWhatsAppGateway
    let project = CommsHarness.project

    init(jitter: String = "50-100", window: Int = 2) async throws {
        let gateway = try FakeWhatsAppGateway.start()
        self.gateway = gateway
        self.comms = try await CommsHarness(environment: [
            "EVOLUTION_URL": gateway.url, "EVOLUTION_API_KEY": gateway.apiKey, "WHATSAPP_JITTER_MS": jitter,
            "WHATSAPP_PACE_WINDOW_SECONDS": String(window), "WHATSAPP_POLL_INTERVAL_MS": "50",
            "PUBLIC_URL": "http://127.0.0.1:9", "WHATSAPP_LEASE_SECONDS": "10",
        ])
        // Every event is kept (an endpoint subscribed to all) so tests can read them.
        try await comms.pool.execute("""
            INSERT INTO \(comms.schema).webhook_endpoints (id, project_id, url, events, secret_sealed)
            VALUES ('we_all', $1, 'https://example.com/hook', '{*}', '\\x00'::bytea)
            """, [CommsHarness.project])
    }

    var channel: WhatsAppChannel { comms.components.whatsapp }
    var store: WhatsAppStore { channel.store }

    func startWorker() -> RunningOutbox {
        RunningOutbox(outbox: comms.components.smartSend, logger: Logger(handler: comms.logs))
    }

    /// A new instance (the development gateway opens it at once), with a known webhook token.
    func instance(_ name: String = "ventas", project: String = CommsHarness.project, token: String? = nil) async throws -> WhatsAppInstanceView {
        let view = try await channel.createInstance(CreateWhatsAppInstanceRequest(name: name, instanceLimit: nil), projectID: project)
        if let token {
            try await comms.pool.execute(
                "UPDATE \(comms.schema).whatsapp_instances SET token_hash = $2 WHERE id = $1", [view.id, SHA256.hash(token)])
        }
        return view
    }

    func send(_ to: String, _ text: String = "Hola", instance: String? = nil, priority: String? = nil,
              reservation: String? = nil, project: String = CommsHarness.project) async throws -> SendWhatsAppResponse {
        try await channel.send(
            SendWhatsAppRequest(to: to, text: text, instanceID: instance, priority: priority, reservationID: reservation),
            projectID: project)
    }

    func message(_ id: String) async throws -> MessageView {
        try await comms.message(id)
    }

    /// Polls until `condition` holds for the message, or `timeout`.
    func waitFor(_ id: String, timeout: Duration = .seconds(20), _ condition: @escaping (MessageView) -> Bool) async throws -> MessageView {
        let deadline = ContinuousClock.now + timeout
        while true {
            let view = try await message(id)
            if condition(view) || ContinuousClock.now >= deadline { return view }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// The texts the gateway received, oldest first.
    func texts() async throws -> [FakeWhatsAppGateway.Call] {
        try await gateway.calls().filter { $0.path == "/message/sendText" && $0.method == "POST" }
    }

    /// The event types emitted so far, oldest first.
    func events() async throws -> [(type: String, payload: String)] {
        try await comms.pool.query(
            "SELECT type, payload FROM \(comms.schema).webhook_events ORDER BY created_at, id"
        ).map { try $0.decode((String, String).self) }
    }

    /// The settlements written, by reservation.
    func settlements() async throws -> [String: String] {
        var result: [String: String] = [:]
        for row in try await comms.pool.query("SELECT reservation_id, action FROM \(comms.schema).settlements") {
            let (id, action) = try row.decode((String, String).self)
            result[id] = action
        }
        return result
    }

    func close() async {
        gateway.stop()
        await comms.close()
    }
}
