import Foundation
import ServiceKit
import Testing
@testable import Router

@Suite("Router failures", .enabled(if: RouterHarness.databaseURL != nil, RouterHarness.disabledReason))
struct RouterFailureTests {
    private struct Boom: Error, CustomStringConvertible {
        var description: String { "secret internals psk_leak" }
    }

    @Test("a handler bug is 500 INTERNAL with nothing internal; a slow one is 504; unkeyed routes limit per address")
    func failures() async throws {
        let extraRoutes = [
            Route(.get, "/boom", auth: .none, tag: "test", summary: "Throws", response: .init(status: 200, schema: nil)) { _ in
                throw Boom()
            },
            Route(.get, "/slow", auth: .none, tag: "test", summary: "Sleeps", response: .init(status: 200, schema: nil),
                  deadline: .milliseconds(100)) { _ in
                try? await Task.sleep(for: .seconds(2))
                return .noContent
            },
            Route(.get, "/limited", auth: .none, tag: "test", summary: "Limited", response: .init(status: 204, schema: nil),
                  limitsByAddress: true) { _ in .noContent },
        ]
        let router = try await RouterHarness(extraRoutes: extraRoutes)
        defer { Task { await router.shutdown() } }
        let boom = try await router.send("GET", "/boom")
        #expect(boom.status == 500 && boom.json["error"] as? String == "INTERNAL")
        #expect(!boom.text.contains("psk_leak"))
        #expect(!router.logs.lines.joined().contains("psk_leak"))
        let slow = try await router.send("GET", "/slow")
        #expect(slow.status == 504 && slow.json["error"] as? String == "UPSTREAM_TIMEOUT")
        // The bucket refills while the requests go out, so count until the first refusal.
        var admitted = 0
        var refusal: TestHTTPClient.Response?
        for _ in 0..<400 {
            let response = try await router.send("GET", "/limited")
            if response.status == 429 { refusal = response; break }
            admitted += 1
        }
        let refused = try #require(refusal)
        #expect(admitted >= router.app.addressLimit.burst)
        #expect(refused.json["error"] as? String == "RATE_LIMITED" && refused.header("Retry-After") != nil)
    }
}
