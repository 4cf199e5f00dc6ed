import Foundation
import ServiceKit
import Testing
import Wire
@testable import CommsService
@testable import PurrpurrTestSupport

/// The Evolution API v2 client against the development gateway running as its own process.
@Suite("Evolution API client", .serialized)
struct EvolutionClientTests {
    private static func client(
        _ gateway: FakeWhatsAppGateway, key: String? = nil, privateNetworks: Bool = true, group: EventLoopGroup
    ) throws -> EvolutionClient {
        let http = try GuardedHTTPClient(
            group: group, policy: OutboundPolicy(allowedPorts: OutboundPolicy.anyPort, allowsPrivateNetworks: privateNetworks))
        return EvolutionClient(http: http, baseURL: gateway.url, apiKey: Secret(key ?? gateway.apiKey))
    }

    @Test("create, state, presence then text (recorded by the gateway), delete; typed failures")
    func calls() async throws {
        let gateway = try FakeWhatsAppGateway.start()
        defer { gateway.stop() }
        let group = try EventLoopGroup(loopCount: 1)
        let client = try Self.client(gateway, group: group)

        let link = try await client.createInstance(name: "wai_test", webhookURL: "http://127.0.0.1:9/hook")
        #expect(link.qrCode?.hasPrefix("data:image/png;base64,") == true)
        #expect(link.pairingCode?.isEmpty == false)
        #expect(try await client.connect(instance: "wai_test").qrCode != nil)
        #expect(try await client.connectionState(instance: "wai_test") == "open")
        try await client.sendPresence(instance: "wai_test", number: "51987654321", delay: .milliseconds(1500))
        let id = try await client.sendText(instance: "wai_test", number: "51987654321", text: "Hola")
        #expect(id.hasPrefix("BAE5"))
        let calls = try await gateway.calls().filter { $0.instance == "wai_test" }
        #expect(calls.map(\.path) == [
            "/instance/create", "/instance/connect", "/instance/connectionState", "/chat/sendPresence", "/message/sendText",
        ])
        #expect(calls[3].presence == "composing")
        #expect(calls[3].at <= calls[4].at)
        let found = try await client.sentTexts(instance: "wai_test", number: "51987654321")
        #expect(found.map(\.id) == [id])
        #expect(found.first?.text == "Hola")
        #expect(abs(found.first?.sentAt.timeIntervalSinceNow ?? 99) < 60)
        #expect(try await client.sentTexts(instance: "wai_test", number: "51900000001").isEmpty)

        await #expect(throws: GatewayError.notOnWhatsApp) {
            _ = try await client.sendText(instance: "wai_test", number: "51987654000", text: "Hola")
        }
        try await gateway.force("/message/sendText", status: 429)
        await #expect(throws: GatewayError.rateLimited) {
            _ = try await client.sendText(instance: "wai_test", number: "51987654321", text: "Hola")
        }
        try await gateway.force("/message/sendText", status: 503)
        await #expect(throws: GatewayError.serverError(status: 503)) {
            _ = try await client.sendText(instance: "wai_test", number: "51987654321", text: "Hola")
        }
        let wrongKey = try Self.client(gateway, key: "not-the-key-0123456789", group: group)
        await #expect(throws: GatewayError.unauthorized(status: 401)) {
            _ = try await wrongKey.connectionState(instance: "wai_test")
        }
        await #expect(throws: GatewayError.unknownInstance) { _ = try await client.connectionState(instance: "wai_none") }
        try await client.deleteInstance(instance: "wai_test")
        try await client.deleteInstance(instance: "wai_test")

        let guarded = try Self.client(gateway, privateNetworks: false, group: group)
        await #expect(throws: GatewayError.transport(.targetNotAllowed)) {
            _ = try await guarded.connectionState(instance: "wai_test")
        }
        await group.shutdownGracefully()
    }
}
