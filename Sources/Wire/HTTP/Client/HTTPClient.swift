/// An HTTP/1.1 client on Wire's event loops, for calls the platform makes outward (webhooks, OIDC token
/// exchanges): keep-alive pools per origin, TLS with host-name checks and SNI, timeouts on connect, on the
/// response head and on the whole exchange, a cap on the body read. No redirects (a 3xx is returned as is),
/// no HTTP/2, no proxies, no compression, no cookies.
///
/// ```swift
/// let client = try HTTPClient(group: group)
/// let request = try HTTPClientRequest(method: .post, url: "https://hooks.example.com/in", body: payload)
/// let response = try await client.send(request, timeout: .seconds(15))   // throws HTTPClientError
/// client.shutdown()
/// ```
///
/// A request is sent again, once, on a new connection only when a reused connection turned out closed by
/// the server before answering, and only if the request is idempotent or was never written.
/// Targets a project chooses must go through an outbound guard: ServiceKit's `GuardedHTTPClient`.
public final class HTTPClient: Sendable {
    /// The configuration in use.
    public let configuration: Configuration
    private let group: EventLoopGroup
    private let tls: TLSContext
    private let pool: HTTPConnectionPool

    /// A client whose connections live on `group`'s loops.
    public init(group: EventLoopGroup, configuration: Configuration = Configuration()) throws {
        self.group = group
        self.configuration = configuration
        self.tls = try configuration.tls ?? TLSContext.publicClient()
        self.pool = HTTPConnectionPool(
            maxPerOrigin: configuration.maxConnectionsPerOrigin, idleTimeout: configuration.idleTimeout)
    }

    /// Sends `request` and reads the whole response; `timeout` (default: the configuration's) bounds
    /// everything. Cancelling the calling task closes the connection in use.
    public func send(_ request: HTTPClientRequest, timeout: Duration? = nil) async throws(HTTPClientError) -> HTTPClientResponse {
        let bytes = try HTTPRequestEncoder.encode(request)
        let limit = timeout ?? configuration.timeout
        do {
            return try await withThrowingTaskGroup(of: HTTPClientResponse?.self) { group in
                group.addTask { try await self.exchange(request, bytes: bytes) }
                group.addTask {
                    try await Task.sleep(for: limit)
                    return nil
                }
                defer { group.cancelAll() }
                guard let response = try await group.next() ?? nil else {
                    throw HTTPClientError(.timeout, "the exchange took longer than its timeout")
                }
                return response
            }
        } catch let error as HTTPClientError {
            throw error
        } catch {
            throw HTTPClientError(.cancelled, "the request was cancelled")
        }
    }

    /// Connections open to the origin of `url` (idle or in use).
    public func openConnectionCount(to url: HTTPClientURL) -> Int {
        pool.openCount(Self.origin(url))
    }

    /// Closes idle connections; later requests fail only if the loops are gone.
    public func shutdown() {
        pool.shutdown()
    }

    private func exchange(_ request: HTTPClientRequest, bytes: [UInt8]) async throws(HTTPClientError) -> HTTPClientResponse {
        let origin = Self.origin(request.url)
        var attempt = 0
        while true {
            attempt += 1
            let connection: HTTPClientConnection
            switch try await pool.acquire(origin) {
            case .reuse(let reused):
                connection = reused
            case .open:
                do {
                    connection = try await open(request.url)
                } catch {
                    pool.forfeit(origin)
                    throw error
                }
            }
            do {
                let response = try await connection.exchange(
                    bytes, method: request.method, headTimeout: configuration.responseHeadTimeout)
                pool.release(connection, to: origin)
                return response
            } catch {
                pool.release(connection, to: origin)
                let retryable = error.closedBeforeResponse && (request.isIdempotent || !error.requestWasSent)
                guard retryable, attempt == 1 else { throw error }
            }
        }
    }

    private func open(_ url: HTTPClientURL) async throws(HTTPClientError) -> HTTPClientConnection {
        let addresses: [SocketAddress]
        do {
            if let resolver = configuration.resolver {
                addresses = try await resolver(url)
            } else {
                addresses = try await SocketAddress.lookUp(host: url.host, port: url.port)
            }
        } catch let error as HTTPClientError {
            throw error
        } catch {
            throw HTTPClientError(.resolveFailed, "the host name did not resolve")
        }
        guard !addresses.isEmpty else { throw HTTPClientError(.resolveFailed, "the host name has no address") }
        return try await HTTPClientConnection.connect(
            to: addresses, tls: url.isSecure ? tls : nil, serverName: url.host, on: group.next(),
            timeout: configuration.connectTimeout, limits: configuration.parserLimits)
    }

    private static func origin(_ url: HTTPClientURL) -> HTTPConnectionPool.Origin {
        HTTPConnectionPool.Origin(scheme: url.scheme, host: url.host, port: url.port)
    }
}
