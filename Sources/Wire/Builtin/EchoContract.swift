/// The echo service: answers with what it was sent. Used by tests, the benchmark and smoke checks; any
/// mesh service may call it.
///
/// This file is the pattern every service contract follows (identity, comms, vault, billing):
/// 1. an `enum <Service>Contract` holding one `static let` ``MethodDescriptor`` per method, with the
///    allowed callers;
/// 2. the request and response types, `Codable & Sendable` structs whose field names are wire identity
///    (add only optional fields later);
/// 3. a typed client stub, `struct <Service>Contract.Client`, wrapping a ``WireClient`` so callers write
///    `try await echo.echo(request, context)`;
/// 4. servers register each descriptor: `server.register(EchoContract.echo) { request, context in … }`.
public enum EchoContract {
    /// `echo.Echo`: returns the request unchanged.
    public static let echo = MethodDescriptor<EchoMessage, EchoMessage>("echo.Echo", allowedCallers: .any)

    /// Registers the standard echo handler on `server` (inline on the loop: it never suspends).
    public static func register(on server: WireServer) {
        server.register(echo, immediate: { request, _ in request })
    }

    /// The typed client stub.
    ///
    /// ```swift
    /// let echo = EchoContract.Client(client)
    /// let reply = try await echo.echo(EchoMessage(text: "hi"), CallContext(requestID: "r1"))
    /// ```
    public struct Client: Sendable {
        /// The client for the echo service's endpoints.
        public let client: WireClient

        /// Wraps a client whose endpoints serve the echo contract.
        public init(_ client: WireClient) {
            self.client = client
        }

        /// Calls `echo.Echo`.
        public func echo(_ request: EchoMessage, _ context: CallContext) async throws -> EchoMessage {
            try await self.client.call(EchoContract.echo, request, context)
        }
    }
}

/// The request and response of `echo.Echo`.
public struct EchoMessage: Codable, Sendable, Hashable {
    /// Free text.
    public var text: String
    /// Opaque bytes (the benchmark's payload).
    public var payload: [UInt8]

    /// Creates a message.
    public init(text: String = "", payload: [UInt8] = []) {
        self.text = text
        self.payload = payload
    }
}
