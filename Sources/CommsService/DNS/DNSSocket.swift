import Foundation

/// One blocking exchange with a DNS server over UDP or TCP (RFC 1035 §4.2), with a deadline enforced by
/// `poll(2)`. ``DNSResolver`` runs it off the cooperative thread pool.
enum DNSSocket {
    /// The largest UDP answer read (EDNS is not used, so servers send at most 512 octets; a larger buffer
    /// costs nothing).
    static let maximumDatagram = 4096

    #if os(Linux)
    private static let datagram = Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
    private static let stream = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
    #else
    private static let datagram = SOCK_DGRAM
    private static let stream = SOCK_STREAM
    #endif

    /// Sends `query` by UDP and returns the first datagram from the server that `accepts` (others, e.g. late
    /// answers to an earlier query, are skipped), or throws ``DNSError/timeout`` at `deadline`.
    static func udp(
        _ query: [UInt8], to server: DNSServerAddress, deadline: ContinuousClock.Instant,
        accepts: ([UInt8]) -> Bool
    ) throws(DNSError) -> [UInt8] {
        let socket = try open(server, type: datagram)
        defer { close(socket) }
        guard send(socket, query, query.count, 0) == query.count else { throw DNSError.socket(errno: errno) }
        var buffer = [UInt8](repeating: 0, count: maximumDatagram)
        while true {
            try wait(socket, deadline: deadline)
            let count = recv(socket, &buffer, buffer.count, 0)
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw DNSError.socket(errno: errno)
            }
            let datagram = Array(buffer.prefix(count))
            if accepts(datagram) { return datagram }
        }
    }

    /// Sends `query` by TCP (two-octet length prefix) and returns the answer.
    static func tcp(_ query: [UInt8], to server: DNSServerAddress, deadline: ContinuousClock.Instant) throws(DNSError) -> [UInt8] {
        let socket = try open(server, type: stream)
        defer { close(socket) }
        let framed = [UInt8(query.count >> 8), UInt8(query.count & 0xFF)] + query
        var sent = 0
        while sent < framed.count {
            let count = framed[sent...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { throw DNSError.socket(errno: errno) }
            sent += count
        }
        let header = try read(socket, count: 2, deadline: deadline)
        return try read(socket, count: Int(header[0]) << 8 | Int(header[1]), deadline: deadline)
    }

    /// A connected socket of `type` to `server` (a blocking connect: the resolver is on the host or the LAN,
    /// which answers or refuses at once).
    private static func open(_ server: DNSServerAddress, type: Int32) throws(DNSError) -> Int32 {
        let socket = Foundation.socket(server.isIPv6 ? AF_INET6 : AF_INET, type, 0)
        guard socket >= 0 else { throw DNSError.socket(errno: errno) }
        let connected = server.withSocketAddress { connect(socket, $0, $1) }
        guard connected == 0 else {
            let error = errno
            close(socket)
            throw DNSError.socket(errno: error)
        }
        return socket
    }

    /// Reads exactly `count` octets.
    private static func read(_ socket: Int32, count: Int, deadline: ContinuousClock.Instant) throws(DNSError) -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: max(count, 1))
        while bytes.count < count {
            try wait(socket, deadline: deadline)
            let read = recv(socket, &buffer, count - bytes.count, 0)
            if read < 0, errno == EINTR || errno == EAGAIN { continue }
            guard read > 0 else { throw read == 0 ? DNSError.malformed : DNSError.socket(errno: errno) }
            bytes += buffer.prefix(read)
        }
        return bytes
    }

    /// Waits until `socket` is readable, or throws ``DNSError/timeout`` at `deadline`.
    private static func wait(_ socket: Int32, deadline: ContinuousClock.Instant) throws(DNSError) {
        while true {
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero else { throw DNSError.timeout }
            let milliseconds = Int32(clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, milliseconds)
            if ready > 0 { return }
            if ready < 0, errno != EINTR { throw DNSError.socket(errno: errno) }
        }
    }
}
