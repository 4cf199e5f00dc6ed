#if canImport(Glibc)
import Glibc
#endif
internal import COpenSSL

/// An IPv4 or IPv6 address and a TCP port.
///
/// ```swift
/// let local = try SocketAddress(ipAddress: "127.0.0.1", port: 8080)
/// let all = try SocketAddress.resolve(host: "db.internal", port: 5432)   // blocking getaddrinfo
/// ```
public struct SocketAddress: Sendable, Hashable, CustomStringConvertible {
    /// Whether this is an IPv6 address.
    public let isIPv6: Bool
    /// The TCP port.
    public let port: Int
    /// The address bytes in network order: IPv4 in the first 4 bytes of `high`, IPv6 across `high` and `low`.
    private let high: UInt64
    private let low: UInt64
    private let scopeID: UInt32

    /// Parses a numeric IPv4 (`"127.0.0.1"`) or IPv6 (`"::1"`) address; never touches DNS.
    public init(ipAddress: String, port: Int) throws(TCPError) {
        let port = min(max(port, 0), 65535)
        var v4 = in_addr()
        if inet_pton(AF_INET, ipAddress, &v4) == 1 {
            self.init(ipv4: v4, port: port)
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, ipAddress, &v6) == 1 {
            self.init(ipv6: v6, port: port, scopeID: 0)
            return
        }
        throw .invalidAddress(ipAddress)
    }

    /// Resolves `host` with `getaddrinfo` (numeric addresses included), in the resolver's order.
    /// **Blocks** the calling thread on DNS: never call it on an event loop.
    public static func resolve(host: String, port: Int) throws(TCPError) -> [SocketAddress] {
        if let numeric = try? SocketAddress(ipAddress: host, port: port) { return [numeric] }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = CInt(SOCK_STREAM.rawValue)
        hints.ai_protocol = CInt(IPPROTO_TCP)
        var list: UnsafeMutablePointer<addrinfo>?
        let code = getaddrinfo(host, nil, &hints, &list)
        guard code == 0, let first = list else { throw .resolutionFailed(host: host, code: code) }
        defer { freeaddrinfo(first) }
        var result: [SocketAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            if let address = entry.pointee.ai_addr, let parsed = SocketAddress(address, port: port),
                !result.contains(parsed)
            {
                result.append(parsed)
            }
            cursor = entry.pointee.ai_next
        }
        guard !result.isEmpty else { throw .resolutionFailed(host: host, code: EAI_NONAME) }
        return result
    }

    /// The numeric host, without the port (`"127.0.0.1"`, `"::1"`).
    public var host: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        self.withSockAddr { address, _ in
            if self.isIPv6 {
                address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                    var raw = v6.pointee.sin6_addr
                    _ = inet_ntop(AF_INET6, &raw, &buffer, socklen_t(buffer.count))
                }
            } else {
                address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                    var raw = v4.pointee.sin_addr
                    _ = inet_ntop(AF_INET, &raw, &buffer, socklen_t(buffer.count))
                }
            }
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The address in network byte order: 4 bytes for IPv4, 16 for IPv6 (what an address classifier reads).
    public var bytes: [UInt8] {
        var words = (self.high, self.low)
        let all = withUnsafeBytes(of: &words) { Array($0) }
        return self.isIPv6 ? all : Array(all.prefix(4))
    }

    /// `host:port`, with IPv6 hosts in brackets (`[::1]:8080`).
    public var description: String {
        self.isIPv6 ? "[\(self.host)]:\(self.port)" : "\(self.host):\(self.port)"
    }

    /// The address family (`AF_INET` or `AF_INET6`).
    var family: CInt { self.isIPv6 ? AF_INET6 : AF_INET }

    private init(ipv4: in_addr, port: Int) {
        self.isIPv6 = false
        self.port = port
        self.high = UInt64(ipv4.s_addr)
        self.low = 0
        self.scopeID = 0
    }

    private init(ipv6: in6_addr, port: Int, scopeID: UInt32) {
        var words: (UInt64, UInt64) = (0, 0)
        withUnsafeBytes(of: ipv6) { source in
            withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: source) }
        }
        self.isIPv6 = true
        self.port = port
        self.high = words.0
        self.low = words.1
        self.scopeID = scopeID
    }

    /// Reads a `sockaddr` of family `AF_INET` or `AF_INET6`; `port` overrides the one stored in it.
    init?(_ address: UnsafePointer<sockaddr>, port: Int? = nil) {
        switch CInt(address.pointee.sa_family) {
        case AF_INET:
            let v4 = UnsafeRawPointer(address).loadUnaligned(as: sockaddr_in.self)
            self.init(ipv4: v4.sin_addr, port: port ?? Int(UInt16(bigEndian: v4.sin_port)))
        case AF_INET6:
            let v6 = UnsafeRawPointer(address).loadUnaligned(as: sockaddr_in6.self)
            self.init(
                ipv6: v6.sin6_addr, port: port ?? Int(UInt16(bigEndian: v6.sin6_port)), scopeID: v6.sin6_scope_id)
        default:
            return nil
        }
    }

    /// Calls `body` with this address as a `sockaddr` and its length.
    func withSockAddr<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) throws -> Result) rethrows -> Result {
        if self.isIPv6 {
            var v6 = sockaddr_in6()
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = UInt16(self.port).bigEndian
            v6.sin6_scope_id = self.scopeID
            var words = (self.high, self.low)
            withUnsafeBytes(of: &words) { source in
                withUnsafeMutableBytes(of: &v6.sin6_addr) { $0.copyMemory(from: source) }
            }
            return try withUnsafePointer(to: &v6) {
                try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    try body($0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        } else {
            var v4 = sockaddr_in()
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = UInt16(self.port).bigEndian
            v4.sin_addr.s_addr = UInt32(truncatingIfNeeded: self.high)
            return try withUnsafePointer(to: &v4) {
                try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    try body($0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
    }

    /// The local (`getsockname`) or remote (`getpeername`) address of a socket.
    static func of(socket fd: CInt, peer: Bool) -> SocketAddress? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                peer ? getpeername(fd, $0, &length) : getsockname(fd, $0, &length)
            }
        }
        guard result == 0 else { return nil }
        return withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { SocketAddress($0) }
        }
    }
}
