#if canImport(Glibc)
import Glibc
#endif
internal import COpenSSL
import Dispatch

/// Opens outbound TCP (optionally TLS) connections: a non-blocking `connect` on the loop, bounded by a timeout.
///
/// ```swift
/// let connection = try await TCPConnector.connect(
///     host: "127.0.0.1", port: 7000, on: group.next(), tls: meshClient, serverName: "identity"
/// ) { _ in MyHandler() }
/// ```
///
/// Name resolution: numeric hosts are parsed in place; any other host is resolved with `getaddrinfo` on a
/// Dispatch global queue (it blocks), never on the loop. The addresses are tried in order until one connects.
public enum TCPConnector {
    /// Connects to `host:port`; returns once the connection is active (after the TLS handshake, if any).
    ///
    /// - Parameters:
    ///   - tls: a client `TLSContext`; `serverName` (default: `host`) is the name the server's certificate must carry.
    ///   - timeout: for the TCP connect of all addresses together (the handshake has `options.handshakeTimeout`).
    ///   - handler: makes the connection's handler, on `loop`.
    public static func connect(
        host: String,
        port: Int,
        on loop: EventLoop,
        options: ConnectionOptions = ConnectionOptions(),
        tls: TLSContext? = nil,
        serverName: String? = nil,
        timeout: Duration = .seconds(10),
        handler: @escaping @Sendable (Connection) -> any ConnectionHandler
    ) async throws -> Connection {
        let addresses = try await SocketAddress.lookUp(host: host, port: port)
        return try await connect(
            to: addresses, on: loop, options: options, tls: tls, serverName: serverName ?? host, timeout: timeout,
            handler: handler)
    }

    /// Connects to the first of `addresses` that accepts, without resolving anything: the way to connect to
    /// exactly the addresses a caller has checked (an outbound guard), while TLS still verifies `serverName`
    /// (default: the first address's numeric host).
    public static func connect(
        to addresses: [SocketAddress],
        on loop: EventLoop,
        options: ConnectionOptions = ConnectionOptions(),
        tls: TLSContext? = nil,
        serverName: String? = nil,
        timeout: Duration = .seconds(10),
        handler: @escaping @Sendable (Connection) -> any ConnectionHandler
    ) async throws -> Connection {
        let setup = tls.map { TLSSetup(context: $0, serverName: serverName ?? addresses.first?.host ?? "") }
        return try await withCheckedThrowingContinuation { continuation in
            self.connect(
                to: addresses, on: loop, options: options, tls: setup, timeout: timeout, handler: handler
            ) { result in
                continuation.resume(with: result)
            }
        }
    }

    /// Connects to the first of `addresses` that accepts; `completion` runs on `loop`'s thread, once the
    /// connection is active or every address failed.
    public static func connect(
        to addresses: [SocketAddress],
        on loop: EventLoop,
        options: ConnectionOptions = ConnectionOptions(),
        tls: TLSContext? = nil,
        serverName: String? = nil,
        timeout: Duration = .seconds(10),
        handler: @escaping @Sendable (Connection) -> any ConnectionHandler,
        completion: @escaping @Sendable (Result<Connection, any Error>) -> Void
    ) {
        let setup = tls.map { TLSSetup(context: $0, serverName: serverName ?? addresses.first?.host ?? "") }
        self.connect(
            to: addresses, on: loop, options: options, tls: setup, timeout: timeout, handler: handler,
            completion: completion)
    }

    static func connect(
        to addresses: [SocketAddress],
        on loop: EventLoop,
        options: ConnectionOptions,
        tls: TLSSetup?,
        timeout: Duration,
        handler: @escaping @Sendable (Connection) -> any ConnectionHandler,
        completion: @escaping @Sendable (Result<Connection, any Error>) -> Void
    ) {
        Posix.ignoreSIGPIPE()
        let start = {
            PendingConnect(
                loop: loop, addresses: addresses, options: options, tls: tls, handler: handler,
                completion: completion
            ).begin(timeout: timeout)
        }
        if loop.inEventLoop {
            start()
        } else if !loop.enqueue(.closure(start)) {
            completion(.failure(TCPError.eventLoopShutdown))
        }
    }
}

/// One connect attempt in flight: a socket waiting for `EPOLLOUT`, and the timeout timer.
private final class PendingConnect: LoopSelectable {
    let loop: EventLoop
    let addresses: [SocketAddress]
    let options: ConnectionOptions
    let tls: TLSSetup?
    let makeHandler: (Connection) -> any ConnectionHandler
    var completion: ((Result<Connection, any Error>) -> Void)?
    var next = 0
    var fd: CInt = -1
    var registration: IORegistration?
    var timer: EventLoop.Scheduled?
    var lastError: any Error = TCPError.connectTimeout

    init(
        loop: EventLoop, addresses: [SocketAddress], options: ConnectionOptions, tls: TLSSetup?,
        handler: @escaping (Connection) -> any ConnectionHandler,
        completion: @escaping (Result<Connection, any Error>) -> Void
    ) {
        self.loop = loop
        self.addresses = addresses
        self.options = options
        self.tls = tls
        self.makeHandler = handler
        self.completion = completion
    }

    func begin(timeout: Duration) {
        self.timer = self.loop.scheduleOnLoop(after: timeout) { [self] in
            self.timer = nil
            self.closeSocket()
            self.finish(.failure(TCPError.connectTimeout))
        }
        self.tryNext()
    }

    /// Starts a non-blocking connect to the next address, or fails with the last error.
    private func tryNext() {
        while self.next < self.addresses.count {
            let address = self.addresses[self.next]
            self.next += 1
            do {
                let flags = CInt(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue)
                self.fd = try Posix.call("socket") { socket(address.family, flags, 0) }
                let result = address.withSockAddr { connect(self.fd, $0, $1) }
                if result == 0 {
                    self.connected()
                    return
                }
                let code = errno
                guard code == EINPROGRESS || code == EINTR else { throw SocketError(errno: code, syscall: "connect") }
                let events = EPOLLOUT.rawValue | EPOLLET.rawValue
                self.registration = try self.loop.register(fd: self.fd, events: events, target: self)
                return
            } catch {
                self.lastError = error
                self.closeSocket()
            }
        }
        self.finish(.failure(self.lastError))
    }

    func ioReady(_ events: UInt32) {
        guard self.fd >= 0 else { return }
        let code = (try? Posix.pendingError(self.fd)) ?? EIO
        if code == 0 {
            self.connected()
        } else {
            self.lastError = SocketError(errno: code, syscall: "connect")
            self.closeSocket()
            self.tryNext()
        }
    }

    func eventLoopClosing() {
        self.closeSocket()
        self.finish(.failure(TCPError.eventLoopShutdown))
    }

    /// The TCP connection is up: hand the socket to a `Connection`, which reports when it is active.
    private func connected() {
        if let registration = self.registration {
            self.loop.deregister(registration)
            self.registration = nil
        }
        self.timer?.cancel()
        self.timer = nil
        let connection = Connection(fd: self.fd, eventLoop: self.loop, options: self.options)
        self.fd = -1
        connection.activation = self.completion
        self.completion = nil
        connection.start(handler: self.makeHandler, tls: self.tls)
    }

    private func closeSocket() {
        if let registration = self.registration {
            self.loop.deregister(registration)
            self.registration = nil
        }
        if self.fd >= 0 {
            Posix.close(self.fd)
            self.fd = -1
        }
    }

    private func finish(_ result: Result<Connection, any Error>) {
        self.timer?.cancel()
        self.timer = nil
        guard let completion = self.completion else { return }
        self.completion = nil
        completion(result)
    }
}
