/// The health contract every ``WireServer`` answers on its own (no registration needed), for any mesh
/// caller: the Router's `/readyz` pings each service with it.
///
/// ```swift
/// let health = HealthContract.Client(identityClient)
/// let status = try await health.ping(CallContext(requestID: "readyz", deadline: .now + .milliseconds(500)))
/// ```
public enum HealthContract {
    /// `wire.Ping`: answers at once with the server's status.
    public static let ping = MethodDescriptor<HealthPingRequest, HealthPingResponse>("wire.Ping", allowedCallers: .any)

    /// The typed client stub.
    public struct Client: Sendable {
        /// The client for the pinged service's endpoints.
        public let client: WireClient

        /// Wraps a client.
        public init(_ client: WireClient) {
            self.client = client
        }

        /// Calls `wire.Ping` on one endpoint (chosen like any call).
        public func ping(_ context: CallContext) async throws -> HealthPingResponse {
            try await self.client.call(HealthContract.ping, HealthPingRequest(), context)
        }
    }
}

/// The request of `wire.Ping`: empty for now.
public struct HealthPingRequest: Codable, Sendable, Hashable {
    /// Creates a request.
    public init() {}
}

/// The answer of `wire.Ping`.
public struct HealthPingResponse: Codable, Sendable, Hashable {
    /// `"serving"`, or `"draining"` once the server began a graceful shutdown.
    public var status: String
    /// The service name in the server's certificate, if the server knows it.
    public var service: String?

    /// Creates a response.
    public init(status: String, service: String? = nil) {
        self.status = status
        self.service = service
    }
}
