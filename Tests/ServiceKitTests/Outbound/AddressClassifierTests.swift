import Testing
import Wire
@testable import ServiceKit

@Suite("AddressClassifier")
struct AddressClassifierTests {
    private static func category(_ text: String) throws -> AddressCategory {
        AddressClassifier.classify(try SocketAddress(ipAddress: text, port: 25).bytes)
    }

    @Test("addresses a project must not aim at", arguments: [
        ("127.0.0.1", AddressCategory.loopback), ("127.1.2.3", .loopback), ("::1", .loopback),
        ("10.0.0.5", .privateNetwork), ("172.16.0.1", .privateNetwork), ("172.31.255.255", .privateNetwork),
        ("192.168.1.1", .privateNetwork), ("fd00::1", .privateNetwork), ("fc00::1", .privateNetwork),
        ("fec0::1", .privateNetwork), ("100.64.0.1", .sharedAddressSpace), ("100.127.255.254", .sharedAddressSpace),
        ("169.254.169.254", .cloudMetadata), ("fd00:ec2::254", .cloudMetadata), ("100.100.100.200", .cloudMetadata),
        ("169.254.1.1", .linkLocal), ("fe80::1", .linkLocal), ("febf::1", .linkLocal),
        ("0.0.0.0", .unspecified), ("::", .unspecified), ("255.255.255.255", .broadcast),
        ("224.0.0.1", .multicast), ("239.255.255.250", .multicast), ("ff02::1", .multicast),
        ("0.1.2.3", .reserved), ("240.0.0.1", .reserved), ("192.0.2.10", .reserved), ("198.51.100.7", .reserved),
        ("203.0.113.9", .reserved), ("198.18.0.1", .reserved), ("192.0.0.192", .reserved),
        ("2001:db8::1", .reserved), ("2001::1", .reserved), ("100::1", .reserved), ("3fff::1", .reserved),
        // IPv4 inside IPv6: judged by the IPv4 address.
        ("::ffff:127.0.0.1", .loopback), ("::ffff:10.1.2.3", .privateNetwork), ("::ffff:169.254.169.254", .cloudMetadata),
        ("::127.0.0.1", .loopback), ("64:ff9b::7f00:1", .loopback), ("64:ff9b::a9fe:a9fe", .cloudMetadata),
        ("64:ff9b:1::1", .privateNetwork), ("2002:7f00:1::", .loopback), ("2002:c0a8:101::1", .privateNetwork),
    ])
    func refused(address: String, expected: AddressCategory) throws {
        #expect(try Self.category(address) == expected)
        #expect(!OutboundPolicy(allowedPorts: [25]).permits(expected))
    }

    @Test("public unicast is public, also inside IPv6 forms", arguments: [
        "93.184.216.34", "8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "169.253.255.255", "192.169.0.1",
        "2606:2800:220:1:248:1893:25c8:1946", "2a00:1450:4001:81b::200e", "::ffff:93.184.216.34",
        "64:ff9b::5db8:d822", "2002:5db8:d822::1",
    ])
    func publicAddresses(address: String) throws {
        #expect(try Self.category(address) == .publicUnicast)
    }

    @Test("a platform allowing private targets allows loopback, private and shared, never the rest")
    func privateTargets() {
        let policy = OutboundPolicy(allowedPorts: [25], allowsPrivateNetworks: true)
        let allowed = AddressCategory.allCases.filter(policy.permits)
        #expect(Set(allowed) == [.publicUnicast, .loopback, .privateNetwork, .sharedAddressSpace])
    }
}
