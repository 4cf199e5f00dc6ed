extension RateLimitKey {
    /// Reduces textual client addresses to the unit a client controls: IPv4 as is, IPv6 to its /64.
    enum AddressNormalizer {
        /// `192.0.2.1` → `192.0.2.1`; `[2001:DB8::1%eth0]` → `2001:db8:0:0::/64`; `::ffff:192.0.2.1` →
        /// `192.0.2.1`; anything else → itself, lowercased.
        static func normalize(_ address: String) -> String {
            var text = Substring(address)
            if text.hasPrefix("["), text.hasSuffix("]") { text = text.dropFirst().dropLast() }
            if let zone = text.firstIndex(of: "%") { text = text[..<zone] }
            guard text.contains(":"), let groups = ipv6Groups(text) else { return address.lowercased() }
            if groups[0..<5].allSatisfy({ $0 == 0 }), groups[5] == 0xFFFF {
                return [groups[6] >> 8, groups[6] & 0xFF, groups[7] >> 8, groups[7] & 0xFF]
                    .map { String($0) }.joined(separator: ".")
            }
            return groups[0..<4].map { String($0, radix: 16) }.joined(separator: ":") + "::/64"
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
}
