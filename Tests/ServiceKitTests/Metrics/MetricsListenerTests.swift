import ServiceKit
import Testing
import Wire

/// Every mesh service's `GET /metrics` listener (`ServiceMain.runMeshService` starts one).
@Suite("MetricsListener")
struct MetricsListenerTests {
    @Test("GET /metrics answers the registry's Prometheus text; any other path is 404")
    func serves() async throws {
        let registry = MetricsRegistry()
        registry.counter("sample_events_total", help: "Events.").increment()
        let listener = try MetricsListener(MetricsListenerConfiguration(host: "127.0.0.1", port: 0), metrics: registry)
        let client = try HTTPClient(group: try ServiceContext.sharedEventLoopGroup())
        defer { client.shutdown() }
        let base = "http://127.0.0.1:\(listener.server.port)"
        let scraped = try await client.send(try HTTPClientRequest(url: base + "/metrics"))
        #expect(scraped.status == 200)
        #expect(scraped.headers["Content-Type"] == MetricsRegistry.contentType)
        #expect(String(decoding: scraped.body, as: UTF8.self).contains("sample_events_total 1"))
        #expect(try await client.send(try HTTPClientRequest(url: base + "/other")).status == 404)
        #expect(try await client.send(try HTTPClientRequest(method: .post, url: base + "/metrics")).status == 404)
        await listener.server.shutdown(timeout: .seconds(1))
    }
}
