import Testing
@testable import ServiceKit

@Suite("Client addresses and ranges")
struct AddressRangeTests {
    @Test("CIDR ranges match their addresses only, IPv4-mapped IPv6 as IPv4")
    func contains() throws {
        let ten = try #require(AddressRange("10.0.0.0/8"))
        #expect(ten.contains(try #require(ClientAddress.bytes(of: "10.200.3.4"))))
        #expect(ten.contains(try #require(ClientAddress.bytes(of: "::ffff:10.0.0.1"))))
        #expect(!ten.contains(try #require(ClientAddress.bytes(of: "11.0.0.1"))))
        #expect(!ten.contains(try #require(ClientAddress.bytes(of: "::a00:1"))), "an IPv6 address is not in an IPv4 range")
        let v6 = try #require(AddressRange("fd00::/8"))
        #expect(v6.contains(try #require(ClientAddress.bytes(of: "fd12:3456::1"))))
        #expect(!v6.contains(try #require(ClientAddress.bytes(of: "fe80::1"))))
        let one = try #require(AddressRange("192.0.2.7"))
        #expect(one.prefixLength == 32 && one.contains([192, 0, 2, 7]) && !one.contains([192, 0, 2, 8]))
        #expect(AddressRange("10.1.2.3/12")?.description == "10.0.0.0/12")
        #expect(AddressRange("::ffff:10.0.0.0/104")?.description == "10.0.0.0/8")
        #expect(AddressRange("0.0.0.0/0")?.contains([1, 2, 3, 4]) == true)
    }

    @Test("malformed ranges are refused", arguments: ["", "10.0.0.0/33", "10.0.0/8", "fd00::/129", "10.0.0.0/-1", "10.0.0.0/8x", "nope"])
    func malformed(text: String) {
        #expect(AddressRange(text) == nil)
    }

    @Test("canonical addresses: IPv4-mapped as IPv4, IPv6 lowercased, garbage refused")
    func canonical() {
        #expect(ClientAddress.canonical("::FFFF:192.0.2.1") == "192.0.2.1")
        #expect(ClientAddress.canonical("[2001:DB8::1]") == "2001:db8::1")
        #expect(ClientAddress.canonical("192.0.2.1") == "192.0.2.1")
        #expect(ClientAddress.canonical("unknown") == nil)
        #expect(ClientAddress.limitKey("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64")
    }
}
