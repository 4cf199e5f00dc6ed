/// Sorts IP addresses into ``AddressCategory`` kinds by their bytes (network order), so an outbound
/// guard can refuse anything but public unicast. Addresses that embed an IPv4 address
/// (IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible `::a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`, 6to4
/// `2002:aabb:ccdd::`) are judged by the IPv4 address inside, so `::ffff:127.0.0.1` is loopback.
///
/// ```swift
/// AddressClassifier.classify([169, 254, 169, 254])   // .cloudMetadata
/// AddressClassifier.classify(try SocketAddress(ipAddress: "::ffff:10.0.0.1", port: 25).bytes)   // .privateNetwork
/// ```
public enum AddressClassifier {
    /// The category of a 4-byte (IPv4) or 16-byte (IPv6) address; any other length is `reserved`.
    public static func classify(_ bytes: [UInt8]) -> AddressCategory {
        switch bytes.count {
        case 4: ipv4(bytes[0], bytes[1], bytes[2], bytes[3])
        case 16: ipv6(bytes)
        default: .reserved
        }
    }

    private static func ipv4(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> AddressCategory {
        switch (a, b, c, d) {
        case (0, 0, 0, 0): .unspecified
        case (255, 255, 255, 255): .broadcast
        case (169, 254, 169, 254), (100, 100, 100, 200): .cloudMetadata
        case (0, _, _, _): .reserved  // "this network"
        case (127, _, _, _): .loopback
        case (10, _, _, _), (172, 16...31, _, _), (192, 168, _, _): .privateNetwork
        case (100, 64...127, _, _): .sharedAddressSpace
        case (169, 254, _, _): .linkLocal
        case (192, 0, 0, _), (192, 0, 2, _), (198, 51, 100, _), (203, 0, 113, _), (198, 18...19, _, _),
             (192, 88, 99, _):
            .reserved  // protocol assignments, documentation, benchmarking, 6to4 relays
        case (224...239, _, _, _): .multicast
        case (240...255, _, _, _): .reserved
        default: .publicUnicast
        }
    }

    private static func ipv6(_ bytes: [UInt8]) -> AddressCategory {
        let firstTen = bytes[0..<10].allSatisfy { $0 == 0 }
        if firstTen && bytes[10] == 0 && bytes[11] == 0 {
            if bytes[12..<15].allSatisfy({ $0 == 0 }) {
                switch bytes[15] {
                case 0: return .unspecified
                case 1: return .loopback
                default: break
                }
            }
            return embedded(bytes, at: 12)  // IPv4-compatible ::a.b.c.d (deprecated)
        }
        if firstTen && bytes[10] == 0xFF && bytes[11] == 0xFF { return embedded(bytes, at: 12) }  // ::ffff:a.b.c.d
        if bytes == metadataV6 { return .cloudMetadata }
        if bytes[0..<4] == [0x00, 0x64, 0xFF, 0x9B] {
            if bytes[4..<12].allSatisfy({ $0 == 0 }) { return embedded(bytes, at: 12) }  // NAT64 64:ff9b::/96
            if bytes[4..<6] == [0x00, 0x01] { return .privateNetwork }  // local-use NAT64 64:ff9b:1::/48
        }
        if bytes[0] == 0x20 && bytes[1] == 0x02 { return embedded(bytes, at: 2) }  // 6to4 2002::/16
        switch bytes[0] {
        case 0xFF: return .multicast
        case 0xFC, 0xFD: return .privateNetwork
        case 0xFE where bytes[1] & 0xC0 == 0x80: return .linkLocal
        case 0xFE where bytes[1] & 0xC0 == 0xC0: return .privateNetwork  // site-local (deprecated)
        default: break
        }
        guard bytes[0] & 0xE0 == 0x20 else { return .reserved }  // only 2000::/3 is global unicast
        if bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0x0D && bytes[3] == 0xB8 { return .reserved }  // doc
        if bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] & 0xFE == 0 { return .reserved }  // 2001::/23 incl. Teredo
        if bytes[0] == 0x3F && bytes[1] == 0xFF && bytes[2] & 0xF0 == 0 { return .reserved }  // 3fff::/20 doc
        return .publicUnicast
    }

    /// Classifies the IPv4 address at `offset`; an embedded public address stays public.
    private static func embedded(_ bytes: [UInt8], at offset: Int) -> AddressCategory {
        ipv4(bytes[offset], bytes[offset + 1], bytes[offset + 2], bytes[offset + 3])
    }

    /// fd00:ec2::254, the AWS metadata service over IPv6.
    private static let metadataV6: [UInt8] = [0xFD, 0x00, 0x0E, 0xC2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54]
}
