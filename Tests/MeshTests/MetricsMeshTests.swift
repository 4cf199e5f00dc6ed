import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import PurrpurrTestSupport
@testable import Purrpurr

/// Every mesh service's `GET /metrics` listener, through the real mesh (`purrpurr up`'s launcher gives each a
/// free port, logged as `metrics.port`): comms-service's shows the webhook delivery metrics after a delivery.
@Suite("Service metrics (mesh)", .serialized,
       .enabled(if: TestDatabase.serverURL != nil, "PURRPURR_TEST_DATABASE_URL is not set (run scripts/test)"))
struct MetricsMeshTests {
    /// The port `service` logged in its `metrics listening` line.
    static func metricsPort(_ mesh: LocalMesh, _ service: String) throws -> Int {
        let log = mesh.log(service)
        let match = try #require(log.firstMatch(of: /"metrics\.port":(\d+)/), "\(service) logged no metrics.port")
        return try #require(Int(match.1))
    }

    /// `GET http://127.0.0.1:<port>/metrics`: the status and the text.
    static func scrape(port: Int, path: String = "/metrics") async throws -> (Int, String) {
        let (data, response) = try await URLSession.shared.data(from: try #require(URL(string: "http://127.0.0.1:\(port)\(path)")))
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test("comms-service's /metrics has comms_webhook_ lines after a delivery; every service has its own port",
          .timeLimit(.minutes(3)))
    func commsWebhookMetrics() async throws {
        let receiver = try await WebhookReceiver.start()
        let mesh = try await LocalMesh.start(extra: ["comms": ["WEBHOOK_POLL_INTERVAL_MS": "100"]])
        do {
            let project = try await mesh.createProject("metrics")
            let created = try await mesh.http("POST", "/v1/webhooks/endpoints", key: project.secretKey,
                                              body: ["url": receiver.url(), "events": ["webhook.test"]])
            #expect(created.status == 201, "\(created.json)")
            let id = try #require(created[string: "id"])
            #expect(try await mesh.http("POST", "/v1/webhooks/endpoints/\(id)/test", key: project.secretKey).status == 202)
            _ = try await receiver.waitForRequests(count: 1)

            let ports = try ["comms", "identity", "vault", "billing"].map { try Self.metricsPort(mesh, $0) }
            #expect(Set(ports).count == ports.count, "\(ports)")
            // The success is recorded by a group commit just after the answer: wait for its count.
            var text = ""
            let deadline = ContinuousClock.now + .seconds(10)
            repeat {
                let (status, body) = try await Self.scrape(port: ports[0])
                #expect(status == 200)
                text = body
                if text.contains(#"comms_webhook_attempts_total{outcome="succeeded"} 1"#) { break }
                try await Task.sleep(for: .milliseconds(100))
            } while ContinuousClock.now < deadline
            #expect(text.contains(#"comms_webhook_attempts_total{outcome="succeeded"} 1"#), "\(text)")
            #expect(text.contains("comms_webhook_attempt_seconds_bucket"))
            #expect(text.contains("comms_webhook_record_batch_size"))
            #expect(try await Self.scrape(port: ports[0], path: "/v1/whoami").0 == 404)
            for port in ports.dropFirst() { #expect(try await Self.scrape(port: port).0 == 200) }
        } catch {
            Issue.record("comms log: \(mesh.log("comms").suffix(3000))")
            try await mesh.stop()
            receiver.stop()
            throw error
        }
        try await mesh.stop()
        receiver.stop()
    }
}
