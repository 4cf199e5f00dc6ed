/// Client addresses as the Router and the services see them: parsed to bytes, written canonically, and
/// reduced to the unit a client controls for rate limits (an IPv6 host can pick any address of its /64).
///
/// ```swift
/// ClientAddress.limitKey("2001:db8:1:2::9")      // "2001:db8:1:2::/64"
/// ClientAddress.limitKey("::ffff:192.0.2.1")     // "192.0.2.1"
/// ClientAddress.canonical("::FFFF:192.0.2.1")    // "192.0.2.1" (the full address, for audit logs)
/// ```
public enum ClientAddress {
    /// The unit a client controls: IPv4 as is, IPv4-mapped IPv6 as the IPv4 address, IPv6 as its /64
    /// (`2001:db8:0:0::/64`); anything unparsable is itself, lowercased. Brackets and a zone are ignored.
    public static func limitKey(_ address: String) -> String {
        guard let bytes = bytes(of: address) else { return address.lowercased() }
        if bytes.count == 4 { return bytes.map { String($0) }.joined(separator: ".") }
        return (0..<4).map { String(UInt16(bytes[2 * $0]) << 8 | UInt16(bytes[2 * $0 + 1]), radix: 16) }
            .joined(separator: ":") + "::/64"
    }

    /// The full address, canonically: IPv4 dotted, IPv4-mapped IPv6 as IPv4, IPv6 lowercased as given
    /// (without brackets or zone); nil when `address` is not an IP address.
    public static func canonical(_ address: some StringProtocol) -> String? {
        let text = strip(Substring(address))
        guard let bytes = bytes(of: text) else { return nil }
        return bytes.count == 4 ? bytes.map { String($0) }.joined(separator: ".") : text.lowercased()
    }

    /// The address's bytes: 4 for IPv4 (and IPv4-mapped IPv6), 16 for IPv6; nil when unparsable.
    public static func bytes(of address: some StringProtocol) -> [UInt8]? {
        let text = strip(Substring(address))
        if !text.contains(":") { return ipv4Bytes(text) }
        guard let groups = ipv6Groups(text) else { return nil }
        if groups[0..<5].allSatisfy({ $0 == 0 }), groups[5] == 0xFFFF {
            return [UInt8(groups[6] >> 8), UInt8(groups[6] & 0xFF), UInt8(groups[7] >> 8), UInt8(groups[7] & 0xFF)]
        }
        return groups.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    /// `text` without surrounding brackets and without a zone (`%eth0`).
    private static func strip(_ address: Substring) -> Substring {
        var text = address
        if text.hasPrefix("["), text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        if let zone = text.firstIndex(of: "%") { text = text[..<zone] }
        return text
    }

    /// The eight 16-bit groups of an IPv6 address in text form (RFC 4291 §2.2), or nil.
    static func ipv6Groups(_ text: Substring) -> [UInt16]? {
        let halves = text.split(separator: "::", maxSplits: 2, omittingEmptySubsequences: false)
        guard halves.count <= 2 else { return nil }
        guard let head = groups(halves[0], isLast: halves.count == 1) else { return nil }
        if halves.count == 1 { return head.count == 8 ? head : nil }
        guard let tail = groups(halves[1], isLast: true), head.count + tail.count <= 7 else { return nil }
        return head + [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
    }

    /// Colon-separated hex groups; the last one may be a dotted IPv4 address (two groups).
    private static func groups(_ part: Substring, isLast: Bool) -> [UInt16]? {
        if part.isEmpty { return [] }
        let fields = part.split(separator: ":", omittingEmptySubsequences: false)
        var result: [UInt16] = []
        for (index, field) in fields.enumerated() {
            if isLast, index == fields.count - 1, field.contains(".") {
                guard let v4 = ipv4Bytes(field) else { return nil }
                result += [UInt16(v4[0]) << 8 | UInt16(v4[1]), UInt16(v4[2]) << 8 | UInt16(v4[3])]
            } else {
                guard (1...4).contains(field.count), let value = UInt16(field, radix: 16) else { return nil }
                result.append(value)
            }
        }
        return result
    }

    private static func ipv4Bytes(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        let bytes = parts.compactMap { part -> UInt8? in
            guard (1...3).contains(part.count), part.allSatisfy({ $0 >= "0" && $0 <= "9" }) else { return nil }
            return UInt8(part)
        }
        return bytes.count == 4 ? bytes : nil
    }
}
