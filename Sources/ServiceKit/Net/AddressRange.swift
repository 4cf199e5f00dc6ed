/// An IP address range in CIDR notation (`10.0.0.0/8`, `fd00::/8`, or one address: `192.0.2.7`), e.g. a
/// trusted proxy's. IPv4-mapped IPv6 addresses match IPv4 ranges (``ClientAddress/bytes(of:)``).
///
/// ```swift
/// let range = AddressRange("10.0.0.0/8")!
/// range.contains(ClientAddress.bytes(of: "10.1.2.3")!)   // true
/// ```
public struct AddressRange: Sendable, Hashable, CustomStringConvertible {
    /// The network's bytes (4 or 16), host bits cleared.
    public let network: [UInt8]
    /// The prefix length in bits.
    public let prefixLength: Int

    /// Parses `address/prefix` or a single address; nil when malformed or the prefix is too long.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let bytes = ClientAddress.bytes(of: parts[0]) else { return nil }
        var length = bytes.count * 8
        if parts.count == 2 {
            guard let given = Int(parts[1]), parts[1].allSatisfy(\.isNumber) else { return nil }
            // An IPv4-mapped range (`::ffff:10.0.0.0/104`) is its IPv4 range.
            let mapped = bytes.count == 4 && parts[0].contains(":")
            length = mapped ? given - 96 : given
        }
        guard (0...bytes.count * 8).contains(length) else { return nil }
        self.prefixLength = length
        self.network = bytes.enumerated().map { index, byte in byte & Self.mask(byteIndex: index, length: length) }
    }

    /// Whether `address` (4 or 16 bytes) lies in the range; addresses of the other family never do.
    public func contains(_ address: [UInt8]) -> Bool {
        guard address.count == network.count else { return false }
        for index in 0..<network.count where address[index] & Self.mask(byteIndex: index, length: prefixLength) != network[index] {
            return false
        }
        return true
    }

    /// `network/prefix`, e.g. `10.0.0.0/8`.
    public var description: String {
        let text = network.count == 4
            ? network.map { String($0) }.joined(separator: ".")
            : stride(from: 0, to: 16, by: 2).map { String(UInt16(network[$0]) << 8 | UInt16(network[$0 + 1]), radix: 16) }
                .joined(separator: ":")
        return "\(text)/\(prefixLength)"
    }

    private static func mask(byteIndex: Int, length: Int) -> UInt8 {
        let bits = min(max(length - byteIndex * 8, 0), 8)
        return bits == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
    }
}
