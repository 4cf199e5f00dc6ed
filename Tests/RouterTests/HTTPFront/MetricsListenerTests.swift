import Foundation
import ServiceKit
import Testing
@testable import Router

@Suite("Metrics listener", .enabled(if: RouterHarness.databaseURL != nil, RouterHarness.disabledReason))
struct MetricsListenerTests {
    @Test("/metrics is served on its own listener only; the public port answers it 404")
    func ownListener() async throws {
        let router = try await RouterHarness()
        defer { Task { await router.shutdown() } }
        let public_ = try await router.send("GET", "/metrics")
        #expect(public_.status == 404 && public_.json["error"] as? String == "NOT_FOUND")
        let service = try MetricsHTTPService(host: "127.0.0.1", port: 0, metrics: router.app.metrics.registry)
        defer { Task { await service.server.shutdown(timeout: .seconds(1)) } }
        _ = try await router.send("GET", "/healthz")
        _ = try await router.send("GET", "/v1/whoami")
        let client = TestHTTPClient(port: service.server.port)
        let scraped = try await client.send("GET", "/metrics")
        #expect(scraped.status == 200)
        #expect(scraped.header("Content-Type") == MetricsRegistry.contentType)
        #expect(scraped.text.contains("router_http_requests_total"))
        #expect(try await client.send("GET", "/v1/whoami").status == 404)
    }

    @Test("METRICS_HOST and METRICS_PORT default to loopback 9464")
    func defaults() throws {
        let config = try RouterConfig(environment: RouterHarness.environment())
        #expect(config.metricsHost == "127.0.0.1" && config.metricsPort == 9464)
        let set = try RouterConfig(environment: RouterHarness.environment(["METRICS_HOST": "0.0.0.0", "METRICS_PORT": "9100"]))
        #expect(set.metricsHost == "0.0.0.0" && set.metricsPort == 9100)
        #expect(!RouterRoutes.all(try RouterRoutes.documentationApp()).contains { $0.path.text == "/metrics" })
    }
}
