import ServiceKit

/// Who the client is: the TCP peer, unless the peer is a trusted proxy (`TRUSTED_PROXIES`), in which case
/// `X-Forwarded-For` is believed hop by hop from the right, as nginx's `real_ip_recursive on` does: the
/// client is the right-most address that is not a trusted proxy (or the left-most one when all are).
///
/// ```swift
/// let proxies = TrustedProxies([AddressRange("10.0.0.0/8")!])
/// proxies.clientAddress(peer: "10.0.0.5", forwardedFor: ["203.0.113.9, 10.0.0.7"])   // "203.0.113.9"
/// proxies.clientAddress(peer: "198.51.100.1", forwardedFor: ["203.0.113.9"])         // "198.51.100.1"
/// ```
///
/// A hop that is not an IP address (with an optional port) ends the walk at the trusted hop before it: only
/// addresses a trusted proxy wrote are believed, and a client can only prepend, never replace, them. The
/// result is the full address (an IPv4-mapped IPv6 one as IPv4): grouping (IPv6 by /64) is for the limits.
struct TrustedProxies: Sendable {
    /// The trusted ranges; empty: the peer is the client, `X-Forwarded-For` is ignored.
    let ranges: [AddressRange]

    init(_ ranges: [AddressRange] = []) { self.ranges = ranges }

    /// The client address of a request from `peer` (the numeric host of the TCP peer) carrying the
    /// `X-Forwarded-For` field values `forwardedFor` (in order).
    func clientAddress(peer: String?, forwardedFor: @autoclosure () -> [String]) -> String? {
        guard let peer else { return nil }
        var address = Self.unmapped(peer)
        guard !ranges.isEmpty, isTrusted(address) else { return address }
        let hops = forwardedFor().flatMap { $0.split(separator: ",") }
        for hop in hops.reversed() {
            guard let next = ClientAddress.canonical(Self.withoutPort(hop.trimmingSpaces)) else { break }
            address = next
            if !isTrusted(address) { break }
        }
        return address
    }

    private func isTrusted(_ address: String) -> Bool {
        guard let bytes = ClientAddress.bytes(of: address) else { return false }
        return ranges.contains { $0.contains(bytes) }
    }

    /// The peer as the socket reports it: IPv4 as is, IPv6 lowercased; an IPv4-mapped IPv6 peer (a dual-stack
    /// listener) as its IPv4 address. No parsing on the common path.
    static func unmapped(_ peer: String) -> String {
        guard peer.hasPrefix("::ffff:"), peer.contains(".") else { return peer }
        return String(peer.dropFirst(7))
    }

    /// `203.0.113.9:4711` → `203.0.113.9`, `[2001:db8::1]:4711` → `2001:db8::1`; anything else as is.
    static func withoutPort(_ hop: Substring) -> Substring {
        if hop.hasPrefix("["), let close = hop.firstIndex(of: "]") { return hop[hop.index(after: hop.startIndex)..<close] }
        let colons = hop.filter { $0 == ":" }.count
        if colons == 1, let colon = hop.firstIndex(of: ":") { return hop[..<colon] }
        return hop
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs (optional whitespace of HTTP lists).
    fileprivate var trimmingSpaces: Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return self[first...last]
    }
}
