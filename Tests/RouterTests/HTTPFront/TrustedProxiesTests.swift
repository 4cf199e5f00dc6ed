import Foundation
import ServiceKit
import Testing
@testable import Router

@Suite("Client addresses and trusted proxies")
struct TrustedProxiesTests {
    private let proxies = TrustedProxies([AddressRange("10.0.0.0/8")!, AddressRange("fd00::/8")!])

    @Test("without trusted proxies the peer is the client and X-Forwarded-For is ignored")
    func untrusted() {
        let none = TrustedProxies()
        #expect(none.clientAddress(peer: "10.0.0.5", forwardedFor: ["203.0.113.9"]) == "10.0.0.5")
        #expect(none.clientAddress(peer: "::ffff:198.51.100.7", forwardedFor: []) == "198.51.100.7")
        #expect(none.clientAddress(peer: nil, forwardedFor: []) == nil)
        #expect(proxies.clientAddress(peer: "198.51.100.1", forwardedFor: ["203.0.113.9"]) == "198.51.100.1")
    }

    @Test("behind trusted proxies: the right-most untrusted hop, as nginx's real_ip_recursive")
    func recursive() {
        #expect(proxies.clientAddress(peer: "10.0.0.5", forwardedFor: ["203.0.113.9"]) == "203.0.113.9")
        #expect(proxies.clientAddress(peer: "10.0.0.5", forwardedFor: ["1.1.1.1, 203.0.113.9, 10.0.0.7"]) == "203.0.113.9",
                "a client may prepend anything; only the hops proxies appended are believed")
        #expect(proxies.clientAddress(peer: "10.0.0.5", forwardedFor: ["1.1.1.1", "203.0.113.9 ,10.1.1.1"]) == "203.0.113.9",
                "several header fields are one list")
        #expect(proxies.clientAddress(peer: "10.0.0.5", forwardedFor: ["10.0.0.9, 10.0.0.8"]) == "10.0.0.9", "all trusted: the left-most")
        #expect(proxies.clientAddress(peer: "10.0.0.5", forwardedFor: ["garbage, 10.0.0.8"]) == "10.0.0.8",
                "a hop that is no address ends the walk at the trusted hop before it")
        #expect(proxies.clientAddress(peer: "fd00::1", forwardedFor: ["[2001:DB8::5]:4711"]) == "2001:db8::5")
        #expect(proxies.clientAddress(peer: "10.0.0.5", forwardedFor: ["203.0.113.9:5000"]) == "203.0.113.9")
        #expect(proxies.clientAddress(peer: "::ffff:10.0.0.5", forwardedFor: ["::ffff:203.0.113.9"]) == "203.0.113.9")
    }

    @Test("TRUSTED_PROXIES is read as CIDRs; a malformed one stops the start")
    func configuration() throws {
        let config = try RouterConfig(environment: RouterHarness.environment(["TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1"]))
        #expect(config.trustedProxies.ranges.map(\.description) == ["10.0.0.0/8", "127.0.0.1/32"])
        #expect(try RouterConfig(environment: RouterHarness.environment()).trustedProxies.ranges.isEmpty)
        #expect(throws: ConfigurationError.self) {
            try RouterConfig(environment: RouterHarness.environment(["TRUSTED_PROXIES": "10.0.0.0/8,nope"]))
        }
    }

    @Test("/readyz is limited per client address; behind a trusted proxy each forwarded client has its own bucket",
          .enabled(if: RouterHarness.databaseURL != nil, RouterHarness.disabledReason))
    func readyzPerForwardedAddress() async throws {
        let router = try await RouterHarness(environment: ["TRUSTED_PROXIES": "127.0.0.1/32"])
        defer { Task { await router.shutdown() } }
        /// Requests until the first 429; nil if none within 120 (the address budget's burst is 50).
        func exhaust(_ client: String) async throws -> Int? {
            for attempt in 1...120 where try await router.send("GET", "/readyz", headers: ["X-Forwarded-For": client]).status == 429 {
                return attempt
            }
            return nil
        }
        let attempts = try #require(try await exhaust("203.0.113.1"), "the address bucket refuses within 120 requests")
        #expect(attempts > router.app.addressLimit.burst - 10)
        #expect(try await router.send("GET", "/readyz", headers: ["X-Forwarded-For": "203.0.113.2"]).status == 200)
        #expect(try await router.send("GET", "/readyz").status == 200, "the proxy itself is another client")
        // An IPv6 client is its /64: another address inside it meets the same bucket, the next /64 does not.
        _ = try #require(try await exhaust("2001:db8::1"))
        #expect(try await router.send("GET", "/readyz", headers: ["X-Forwarded-For": "2001:db8::ffff:1"]).status == 429)
        #expect(try await router.send("GET", "/readyz", headers: ["X-Forwarded-For": "2001:db8:0:1::1"]).status == 200)
    }
}
