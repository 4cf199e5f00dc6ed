#if canImport(Glibc)
import Glibc
#endif
internal import COpenSSL
import Synchronization

/// A listening TCP socket on one loop of a group; accepted connections are spread round robin over the
/// group's loops, each with its own handler.
///
/// ```swift
/// let group = try EventLoopGroup()
/// let listener = try TCPListener(host: "127.0.0.1", port: 0, group: group) { _ in Echo() }
/// print(listener.port)            // the port the kernel chose
/// listener.close()
/// ```
///
/// Each readiness event accepts (`accept4`, non-blocking and close-on-exec) until the backlog is empty. When
/// the process runs out of descriptors, accepting pauses for 100 ms instead of spinning.
public final class TCPListener: @unchecked Sendable {
    /// The loop the listening socket is registered on.
    public let eventLoop: EventLoop
    /// The bound address (with the real port when `port` was 0).
    public let localAddress: SocketAddress
    private let fd: CInt
    private let group: EventLoopGroup
    private let options: ConnectionOptions
    private let tls: TLSSetup?
    private let makeHandler: @Sendable (Connection) -> any ConnectionHandler
    // Loop thread only:
    private var registration: IORegistration?
    private var closed = false
    private var retryTimer: EventLoop.Scheduled?

    /// Binds and listens on a numeric IPv4 or IPv6 address (`"0.0.0.0"`, `"::"`, `"127.0.0.1"`).
    ///
    /// - Parameters:
    ///   - port: 0 lets the kernel choose; read it back from ``port``.
    ///   - backlog: the kernel's queue of not-yet-accepted connections.
    ///   - tls: a server `TLSContext`; connections become active after the handshake (mutual TLS if the
    ///     context requires client certificates).
    ///   - handler: makes each accepted connection's handler, on that connection's loop.
    public init(
        host: String,
        port: Int,
        group: EventLoopGroup,
        backlog: Int32 = 1024,
        options: ConnectionOptions = ConnectionOptions(),
        tls: TLSContext? = nil,
        handler: @escaping @Sendable (Connection) -> any ConnectionHandler
    ) throws {
        Posix.ignoreSIGPIPE()
        let address = try SocketAddress(ipAddress: host, port: port)
        let flags = CInt(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue)
        let fd = try Posix.call("socket") { socket(address.family, flags, 0) }
        do {
            try Posix.setOption(fd, level: SOL_SOCKET, name: SO_REUSEADDR, value: CInt(1))
            _ = try address.withSockAddr { pointer, length throws(SocketError) in
                try Posix.call("bind") { bind(fd, pointer, length) }
            }
            _ = try Posix.call("listen") { listen(fd, max(backlog, 1)) }
        } catch {
            Posix.close(fd)
            throw error
        }
        self.fd = fd
        self.localAddress = SocketAddress.of(socket: fd, peer: false) ?? address
        self.group = group
        self.eventLoop = group.next()
        self.options = options
        self.tls = tls.map { TLSSetup(context: $0, serverName: nil) }
        self.makeHandler = handler
        // Registering is loop work; connections that arrive before it wait in the backlog (epoll reports
        // them as soon as the socket is added).
        if self.eventLoop.inEventLoop {
            self.registerOnLoop()
        } else {
            self.eventLoop.execute { [self] in self.registerOnLoop() }
        }
    }

    /// The bound port.
    public var port: Int { self.localAddress.port }

    /// Stops accepting and closes the listening socket. Connections already accepted stay open.
    /// Safe from any thread.
    public func close() {
        if self.eventLoop.inEventLoop {
            self.closeOnLoop()
        } else {
            self.eventLoop.execute { [self] in self.closeOnLoop() }
        }
    }

    private func registerOnLoop() {
        guard !self.closed else { return }
        do {
            let events = EPOLLIN.rawValue | EPOLLET.rawValue
            self.registration = try self.eventLoop.register(fd: self.fd, events: events, target: self)
        } catch {
            self.closeOnLoop()
        }
    }

    private func closeOnLoop() {
        guard !self.closed else { return }
        self.closed = true
        self.retryTimer?.cancel()
        self.retryTimer = nil
        if let registration = self.registration {
            self.eventLoop.deregister(registration)
            self.registration = nil
        }
        Posix.close(self.fd)
    }

    /// Accepts until the backlog is empty.
    private func acceptAll() {
        while !self.closed {
            let accepted: CInt?
            do {
                accepted = try Posix.accept(self.fd)
            } catch let error {
                switch error.errno {
                case ECONNABORTED, EPROTO, ENETDOWN, ENOPROTOOPT, EHOSTDOWN, ENONET, EHOSTUNREACH, EOPNOTSUPP,
                    ENETUNREACH:
                    continue  // that connection died in the backlog; take the next
                default:
                    // EMFILE, ENFILE, ENOBUFS, ENOMEM: retry later. Edge-triggered, so we must come back ourselves.
                    self.retryTimer = self.eventLoop.scheduleOnLoop(after: .milliseconds(100)) { [self] in
                        self.retryTimer = nil
                        self.acceptAll()
                    }
                    return
                }
            }
            guard let fd = accepted else { return }
            self.handOff(fd)
        }
    }

    private func handOff(_ fd: CInt) {
        let loop = self.group.next()
        let options = self.options
        let tls = self.tls
        let makeHandler = self.makeHandler
        if loop === self.eventLoop {
            Connection(fd: fd, eventLoop: loop, options: options).start(handler: makeHandler, tls: tls)
        } else {
            let taken = loop.enqueue(.closure {
                Connection(fd: fd, eventLoop: loop, options: options).start(handler: makeHandler, tls: tls)
            })
            if !taken { Posix.close(fd) }  // that loop has shut down
        }
    }
}

extension TCPListener: LoopSelectable {
    func ioReady(_ events: UInt32) {
        if self.retryTimer == nil { self.acceptAll() }
    }

    func eventLoopClosing() {
        self.closeOnLoop()
    }
}
