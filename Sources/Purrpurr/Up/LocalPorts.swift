#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Ports on 127.0.0.1 for the local mesh.
enum LocalPorts {
    /// Where ``free()`` looks: below Linux's ephemeral range (32768–60999), so no outgoing connection of any
    /// process — a service's pool opening PostgreSQL connections while the next service starts — is ever given
    /// a port chosen here before its listener binds it (with port 0 the kernel hands out ephemeral ports, and
    /// such a collision failed a mesh start with EADDRINUSE on a busy machine).
    static let range = 20_000..<32_768

    /// Ports this process has handed out already (never handed out twice: several are chosen before any binds).
    private static let handedOut = Mutex(Set<Int>())

    /// A port in ``range`` that binds now (tried, released), not handed out before by this process; a kernel-chosen
    /// one if none is found. Another process could still take it before it is used; the start then fails with a
    /// clear message.
    static func free() throws -> Int {
        for _ in 0..<200 {
            let candidate = Int.random(in: range)
            guard handedOut.withLock({ $0.insert(candidate).inserted }) else { continue }
            if bind(port: candidate) != nil { return candidate }
        }
        guard let port = bind(port: 0) else { throw LauncherError("could not find a free port on 127.0.0.1") }
        return port
    }

    /// Whether `port` can be bound on 127.0.0.1 right now.
    static func isFree(_ port: Int) -> Bool {
        bind(port: port) != nil
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port` (the connection is closed at once; on
    /// loopback a connect is answered immediately, accepted or refused).
    static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    /// Binds with SO_REUSEADDR, as the servers do (so connections of an earlier run lingering in TIME_WAIT do
    /// not count as use, a listener does), and returns the bound port.
    private static func bind(port: Int) -> Int? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        return bound ? Int(UInt16(bigEndian: address.sin_port)) : nil
    }
}
