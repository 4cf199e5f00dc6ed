import Testing
import Wire
@testable import ServiceKit

@Suite("OutboundGuard")
struct OutboundGuardTests {
    private static let relays = OutboundPolicy(allowedPorts: OutboundPolicy.smtpRelayPorts)

    /// A guard whose resolver answers from a table (no DNS, no traffic).
    private static func guardWith(_ table: [String: [String]], policy: OutboundPolicy = relays) -> OutboundGuard {
        OutboundGuard(policy: policy) { host, port in
            guard let addresses = table[host] else { throw TCPError.resolutionFailed(host: host, code: -2) }
            return try addresses.map { try SocketAddress(ipAddress: $0, port: port) }
        }
    }

    @Test("a name resolving to a private address is refused; the real resolver's localhost too")
    func privateName() async throws {
        let refusal = await #expect(throws: OutboundRefusal.self) {
            _ = try await Self.guardWith(["relay.internal": ["10.0.0.7"]]).resolve(host: "relay.internal", port: 587)
        }
        #expect(refusal == .addressNotAllowed(.privateNetwork))
        let system = OutboundGuard(policy: Self.relays)
        await #expect(throws: OutboundRefusal.self) { _ = try await system.resolve(host: "localhost", port: 587) }
        await #expect(throws: OutboundRefusal.self) { _ = try await system.resolve(host: "127.0.0.1", port: 587) }
        await #expect(throws: OutboundRefusal.self) { _ = try await system.resolve(host: "::ffff:127.0.0.1", port: 587) }
    }

    @Test("one bad address among good ones refuses the name")
    func mixed() async throws {
        let mixed = Self.guardWith(["relay.example": ["93.184.216.34", "169.254.169.254"]])
        let refusal = await #expect(throws: OutboundRefusal.self) { _ = try await mixed.resolve(host: "relay.example", port: 587) }
        #expect(refusal == .addressNotAllowed(.cloudMetadata))
    }

    @Test("a public name on an allowed port gives the checked addresses, with the port")
    func allowed() async throws {
        let addresses = try await Self.guardWith(["smtp.example": ["93.184.216.34"]]).resolve(host: "smtp.example", port: 465)
        #expect(addresses == [try SocketAddress(ipAddress: "93.184.216.34", port: 465)])
    }

    @Test("ports outside the policy are refused before any lookup", arguments: [22, 80, 443, 5432, 6379, 2526])
    func ports(port: Int) async throws {
        let refusal = await #expect(throws: OutboundRefusal.self) {
            _ = try await Self.guardWith(["smtp.example": ["93.184.216.34"]]).resolve(host: "smtp.example", port: port)
        }
        #expect(refusal == .portNotAllowed)
    }

    @Test("a name that does not resolve is unresolvable")
    func unresolvable() async throws {
        let refusal = await #expect(throws: OutboundRefusal.self) { _ = try await Self.guardWith([:]).resolve(host: "nowhere", port: 25) }
        #expect(refusal == .unresolvable)
    }

    @Test("private targets when allowed; link-local and metadata still refused")
    func allowPrivate() async throws {
        var policy = Self.relays
        policy.allowsPrivateNetworks = true
        let local = OutboundGuard(policy: policy)
        #expect(try await local.resolve(host: "127.0.0.1", port: 2525).count == 1)
        for address in ["169.254.169.254", "fd00:ec2::254", "fe80::1", "0.0.0.0"] {
            await #expect(throws: OutboundRefusal.self) { _ = try await local.resolve(host: address, port: 25) }
        }
    }

    @Test("OUTBOUND_ALLOW_PRIVATE_NETWORKS: 1/0, unset is off, nonsense is named")
    func variable() throws {
        var on = EnvironmentReader(["OUTBOUND_ALLOW_PRIVATE_NETWORKS": "1"])
        #expect(OutboundPolicy.allowsPrivateNetworks(reading: &on))
        var unset = EnvironmentReader([:])
        #expect(!OutboundPolicy.allowsPrivateNetworks(reading: &unset))
        var bad = EnvironmentReader(["OUTBOUND_ALLOW_PRIVATE_NETWORKS": "maybe"])
        #expect(!OutboundPolicy.allowsPrivateNetworks(reading: &bad))
        #expect(bad.problems.map(\.variable) == ["OUTBOUND_ALLOW_PRIVATE_NETWORKS"])
    }
}
