import Foundation

/// The resolver CommsService asks (`COMMS_DNS_RESOLVER`): an IPv4 or IPv6 literal and a port (default 53).
///
/// ```swift
/// DNSServerAddress(parsing: "127.0.0.1:5353")      // 127.0.0.1 port 5353
/// DNSServerAddress(parsing: "[2001:db8::1]:53")    // IPv6 with a port
/// DNSServerAddress.firstNameserver(inResolvConf: "nameserver 10.0.0.2\n")
/// ```
struct DNSServerAddress: Sendable, Hashable, CustomStringConvertible {
    /// The IP literal (no brackets).
    let host: String
    /// The UDP and TCP port.
    let port: UInt16
    /// Whether `host` is IPv6.
    let isIPv6: Bool

    /// Parses `a.b.c.d`, `a.b.c.d:port`, an IPv6 literal, or `[ipv6]:port`; nil for anything else (names are
    /// not accepted: resolving the resolver would need a resolver).
    init?(parsing text: String) {
        var host = text.trimmingCharacters(in: .whitespaces)
        var port: UInt16 = 53
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let rest = host[host.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let parsed = UInt16(rest.dropFirst()), parsed > 0 else { return nil }
                port = parsed
            }
            host = String(host[host.index(after: host.startIndex)..<close])
        } else if host.filter({ $0 == ":" }).count == 1, let colon = host.firstIndex(of: ":") {
            guard let parsed = UInt16(host[host.index(after: colon)...]), parsed > 0 else { return nil }
            port = parsed
            host = String(host[..<colon])
        }
        let isIPv6 = host.contains(":")
        var storage = in6_addr()
        guard inet_pton(isIPv6 ? AF_INET6 : AF_INET, host, &storage) == 1 else { return nil }
        self.host = host
        self.port = port
        self.isIPv6 = isIPv6
    }

    /// The first `nameserver` line of a resolv.conf text that holds an IP literal (a zone suffix such as
    /// `%eth0` is not supported and skipped).
    static func firstNameserver(inResolvConf text: String) -> DNSServerAddress? {
        for line in text.split(whereSeparator: \.isNewline) {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.count >= 2, words[0] == "nameserver", !words[1].contains("%") else { continue }
            if let address = DNSServerAddress(parsing: words[1].contains(":") ? "[\(words[1])]" : String(words[1])) {
                return address
            }
        }
        return nil
    }

    /// `host:port`, IPv6 in brackets.
    var description: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Calls `body` with this address as a `sockaddr` and its length.
    func withSocketAddress<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        if isIPv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            _ = inet_pton(AF_INET6, host, &address.sin6_addr)
            return Self.withGeneric(&address, body)
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        _ = inet_pton(AF_INET, host, &address.sin_addr)
        return Self.withGeneric(&address, body)
    }

    /// `address` (a `sockaddr_in` or `sockaddr_in6`) seen as a `sockaddr` with its size.
    private static func withGeneric<Address, Result>(
        _ address: inout Address, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Result
    ) -> Result {
        withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<Address>.size)) }
        }
    }
}
