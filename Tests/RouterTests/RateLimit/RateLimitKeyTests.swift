import Testing
@testable import Router

@Suite("RateLimitKey")
struct RateLimitKeyTests {
    @Test("IPv6 addresses in one /64 share a key", arguments: [
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:0DB8:0001:0002:ffff::1", "2001:db8:1:2::/64"),
        ("[2001:db8:1:2::9]", "2001:db8:1:2::/64"),
        ("fe80::1%eth0", "fe80:0:0:0::/64"),
        ("::1", "0:0:0:0::/64"),
        ("::", "0:0:0:0::/64"),
        ("2001:db8::", "2001:db8:0:0::/64"),
        ("::ffff:192.0.2.1", "192.0.2.1"),
        ("64:ff9b::192.0.2.1", "64:ff9b:0:0::/64"),
    ])
    func ipv6(input: String, expected: String) {
        #expect(RateLimitKey.address(input).value == expected)
    }

    @Test("IPv4 and anything unparsable are used as given", arguments: [
        ("192.0.2.1", "192.0.2.1"),
        ("1:2:3", "1:2:3"),
        ("1::2::3", "1::2::3"),
        ("12345::1", "12345::1"),
        ("::ffff:1.2.3", "::ffff:1.2.3"),
        ("::ffff:1.2.3.256", "::ffff:1.2.3.256"),
        ("1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8:9"),
        ("ABC", "abc"),
    ])
    func passthrough(input: String, expected: String) {
        #expect(RateLimitKey.address(input).value == expected)
    }

    @Test("emails are trimmed and lowercased; values are capped in length")
    func emailAndLength() {
        #expect(RateLimitKey.email("  Ana@Example.COM\n") == .email("ana@example.com"))
        #expect(RateLimitKey.project(String(repeating: "x", count: 5000)).value.count == RateLimitKey.maximumValueLength)
        #expect(RateLimitKey.project("a") != RateLimitKey.email("a"))
        #expect("\(RateLimitKey.project("p1"))" == "project:p1")
    }
}
