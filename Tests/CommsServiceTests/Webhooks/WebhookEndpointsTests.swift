import Contracts
import Foundation
import ServiceKit
import Testing
@testable import CommsService
@testable import PurrpurrTestSupport

/// Webhook endpoints' rules: URLs through the outbound guard, event types, secrets at rest, isolation.
@Suite("Webhook endpoints (PostgreSQL)", .enabled(if: CommsHarness.databaseURL != nil, CommsHarness.disabledReason))
struct WebhookEndpointsTests {
    static func failure(_ body: () async throws -> Void) async -> PublicError? {
        await CommsHandlersTests.failure(body)
    }

    @Test("without private networks: only https, and loopback, private, CGNAT and metadata targets are refused")
    func guardRefusesPrivateTargets() async throws {
        let harness = try await CommsHarness(environment: [:])
        for url in [
            "http://hooks.example.com/in", "https://127.0.0.1/in", "https://10.1.2.3/in", "https://192.168.0.9:8443/in",
            "https://100.64.0.1/in", "https://169.254.169.254/latest", "https://[::1]/in", "https://[fd00:ec2::254]/",
            "https://localhost/in", "ftp://example.com/", "not a url",
        ] {
            let error = await Self.failure { _ = try await harness.createEndpoint(url) }
            #expect(error?.code == .validationFailed, "\(url)")
            #expect(error?.field == "url", "\(url)")
        }
        await harness.close()
    }

    @Test("with private networks allowed, link-local and metadata addresses are still refused")
    func metadataAlwaysRefused() async throws {
        let harness = try await CommsHarness(webhooks: [:])
        for url in ["http://169.254.169.254/latest/meta-data", "https://[fe80::1]/in", "http://[fd00:ec2::254]/"] {
            let error = await Self.failure { _ = try await harness.createEndpoint(url) }
            #expect(error?.field == "url", "\(url)")
        }
        let local = try await harness.createEndpoint("http://127.0.0.1:9/in")
        #expect(local.endpoint.url == "http://127.0.0.1:9/in")
        let patched = await Self.failure {
            _ = try await harness.webhooks.update(
                UpdateWebhookEndpointRequest(id: local.endpoint.id, url: "http://169.254.169.254/"), projectID: CommsHarness.project)
        }
        #expect(patched?.field == "url")
        await harness.close()
    }

    @Test("an endpoint may not point at the project's own SMTP relay; another project's relay does not matter")
    func notTheRelay() async throws {
        let harness = try await CommsHarness(webhooks: [:])
        let sealed = try RelaySealer(key: harness.config.masterKey).seal("smtp://127.0.0.2:2525?tls=none", projectID: CommsHarness.project)
        try await harness.store.saveSettings(
            StoredSettings(relaySealed: sealed, relayRedacted: "smtp://127.0.0.2:2525?tls=none"), projectID: CommsHarness.project)
        let refused = await Self.failure { _ = try await harness.createEndpoint("http://127.0.0.2:8080/hooks") }
        #expect(refused?.field == "url")
        #expect(refused?.message.contains("relay") == true)
        _ = try await harness.createEndpoint("http://127.0.0.2:8080/hooks", project: "prj_other")
        _ = try await harness.createEndpoint("http://127.0.0.3:8080/hooks")
        await harness.close()
    }

    @Test("an endpoint may not point at the project's own WhatsApp gateway; another project's gateway does not matter")
    func notTheGateway() async throws {
        let harness = try await CommsHarness(webhooks: [:])
        try await harness.store.pool.execute(
            "INSERT INTO \(harness.store.table("whatsapp_settings")) (project_id, gateway_url) VALUES ($1, $2)",
            [CommsHarness.project, "http://127.0.0.4:8080"])
        let refused = await Self.failure { _ = try await harness.createEndpoint("http://127.0.0.4:9000/hooks") }
        #expect(refused?.field == "url")
        #expect(refused?.message.contains("WhatsApp gateway") == true)
        _ = try await harness.createEndpoint("http://127.0.0.4:9000/hooks", project: "prj_other")
        _ = try await harness.createEndpoint("http://127.0.0.5:9000/hooks")
        await harness.close()
    }

    @Test("unknown event types and bad statuses are VALIDATION_FAILED; * stands alone")
    func eventTypes() async throws {
        let harness = try await CommsHarness(webhooks: [:])
        for events in [["email.opened"], [], ["EMAIL.SENT"]] {
            let error = await Self.failure { _ = try await harness.createEndpoint("http://127.0.0.1:9/", events: events) }
            #expect(error?.code == .validationFailed)
            #expect(error?.field == "events")
        }
        let all = try await harness.createEndpoint("http://127.0.0.1:9/", events: ["email.sent", "*"])
        #expect(all.endpoint.events == ["*"])
        let twice = try await harness.createEndpoint("http://127.0.0.1:9/", events: ["email.sent", "email.sent"])
        #expect(twice.endpoint.events == ["email.sent"])
        let status = await Self.failure {
            _ = try await harness.webhooks.update(
                UpdateWebhookEndpointRequest(id: all.endpoint.id, status: "paused"), projectID: CommsHarness.project)
        }
        #expect(status?.field == "status")
        await harness.close()
    }

    @Test("the secret is sealed at rest and never listed")
    func secretSealed() async throws {
        let harness = try await CommsHarness(webhooks: [:])
        let created = try await harness.createEndpoint("http://127.0.0.1:9/")
        let key = try #require(WebhookSecret(created.secret)).bytes
        #expect(key.count == 32)
        let rows = try await harness.pool.query(
            "SELECT secret_sealed FROM \(harness.schema).webhook_endpoints WHERE id = $1", [created.endpoint.id])
        let sealed = try rows[0].decode([UInt8].self, at: 0)
        #expect(sealed.count == key.count + 28)
        #expect(!Data(sealed).contains(Data(key)))
        let opened = try WebhookSecretSealer(key: harness.config.masterKey).open(sealed, endpointID: created.endpoint.id)
        #expect(opened.bytes == key)
        let list = try await harness.store.listEndpoints(projectID: CommsHarness.project, page: PageQuery())
        #expect(list.data == [created.endpoint])
        await harness.close()
    }

    @Test("another project's endpoint and delivery ids are NOT_FOUND on every method")
    func isolation() async throws {
        let harness = try await CommsHarness(webhooks: [:])
        let created = try await harness.createEndpoint("http://127.0.0.1:9/")
        try await harness.emit()
        let delivery = try #require(try await harness.deliveries(created.endpoint.id).first)
        let id = created.endpoint.id
        let other = "prj_other"
        let calls: [(String, () async throws -> Void)] = [
            ("get", { _ = try await harness.webhooks.get(id, projectID: other) }),
            ("update", { _ = try await harness.webhooks.update(UpdateWebhookEndpointRequest(id: id, status: "disabled"), projectID: other) }),
            ("rotate", { _ = try await harness.webhooks.rotate(id, projectID: other) }),
            ("deliveries", { _ = try await harness.deliveries(id, project: other) }),
            ("replay", { _ = try await harness.webhooks.replay(
                WebhookDeliveryIDRequest(endpointID: id, deliveryID: delivery.id), projectID: other) }),
            ("test", { _ = try await harness.webhooks.test(id, projectID: other) }),
            ("delete", { try await harness.webhooks.delete(id, projectID: other) }),
        ]
        for (name, call) in calls {
            let error = await Self.failure(call)
            #expect(error?.code == .notFound, "\(name)")
        }
        #expect(try await harness.store.listEndpoints(projectID: other, page: PageQuery()).data.isEmpty)
        #expect(try await harness.webhooks.get(id, projectID: CommsHarness.project).status == "enabled")
        // The owner's delivery of a different endpoint is also not found.
        let second = try await harness.createEndpoint("http://127.0.0.1:9/b")
        let crossed = await Self.failure {
            _ = try await harness.webhooks.replay(
                WebhookDeliveryIDRequest(endpointID: second.endpoint.id, deliveryID: delivery.id), projectID: CommsHarness.project)
        }
        #expect(crossed?.code == .notFound)
        try await harness.webhooks.delete(id, projectID: CommsHarness.project)
        #expect(await Self.failure { _ = try await harness.webhooks.get(id, projectID: CommsHarness.project) }?.code == .notFound)
        await harness.close()
    }
}
