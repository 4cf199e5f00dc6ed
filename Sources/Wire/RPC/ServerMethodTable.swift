/// The methods a ``WireServer`` answers, type-erased so one table serves every request and response type.
/// Built while the server is being set up, then frozen: connections read it without any lock.
struct ServerMethodTable: Sendable {
    /// A decoded request, ready to run its handler.
    typealias Invocation = @Sendable (CallContext) async throws -> Reply

    /// What a handler answered: a value to encode, or bytes already encoded (``EncodedResponse``).
    enum Reply: Sendable {
        case value(any Encodable & Sendable)
        case encoded([UInt8])
    }

    /// A decoded request: answered already on the loop (an inline handler, or a cache hit), or a handler to
    /// run as a task.
    enum Prepared {
        case answered(Result<Reply, any Error>)
        case run(Invocation)
    }

    /// One registered method.
    struct Entry: Sendable {
        /// Who may call it.
        let allowedCallers: AllowedCallers
        /// Decodes the body on the connection's loop (throwing ``RequestDecodingFailure`` if it does not
        /// decode), then answers inline or returns the handler bound to the request.
        let prepare: @Sendable (ArraySlice<UInt8>, CallContext) throws(RequestDecodingFailure) -> Prepared
    }

    /// The body of a REQUEST did not decode as the method's request type; the description is the coding
    /// error's (code and key path, never payload data).
    struct RequestDecodingFailure: Error, Sendable {
        let description: String
    }

    private(set) var entries: [String: Entry] = [:]

    /// Adds (or replaces) a typed method.
    mutating func register<Request, Response>(
        _ method: MethodDescriptor<Request, Response>,
        handler: @escaping @Sendable (Request, CallContext) async throws -> Response
    ) {
        let entry = Entry(allowedCallers: method.allowedCallers) { body, _ throws(RequestDecodingFailure) in
            let request = try Self.decode(Request.self, body)
            return .run { context in .value(try await handler(request, context)) }
        }
        self.entries[method.name] = entry
    }

    /// Adds (or replaces) a typed method whose handler never suspends: it runs on the loop, with no task.
    mutating func register<Request, Response>(
        _ method: MethodDescriptor<Request, Response>,
        immediate handler: @escaping @Sendable (Request, CallContext) throws -> Response
    ) {
        let entry = Entry(allowedCallers: method.allowedCallers) { body, context throws(RequestDecodingFailure) in
            let request = try Self.decode(Request.self, body)
            return .answered(Result { .value(try handler(request, context)) })
        }
        self.entries[method.name] = entry
    }

    /// Adds (or replaces) a typed method whose handler answers with bytes already encoded.
    /// `cached`, if given, is tried first on the loop: a hit answers with no task.
    mutating func register<Request, Response>(
        _ method: MethodDescriptor<Request, Response>,
        cached: (@Sendable (Request, CallContext) -> EncodedResponse<Response>?)? = nil,
        encodedHandler handler: @escaping @Sendable (Request, CallContext) async throws -> EncodedResponse<Response>
    ) {
        let entry = Entry(allowedCallers: method.allowedCallers) { body, context throws(RequestDecodingFailure) in
            let request = try Self.decode(Request.self, body)
            if let cached, let hit = cached(request, context) { return .answered(.success(.encoded(hit.bytes))) }
            return .run { context in .encoded(try await handler(request, context).bytes) }
        }
        self.entries[method.name] = entry
    }

    private static func decode<Request: Decodable>(
        _ type: Request.Type, _ body: ArraySlice<UInt8>
    ) throws(RequestDecodingFailure) -> Request {
        do {
            return try BinaryDecoder().decode(Request.self, from: body)
        } catch {
            throw RequestDecodingFailure(description: String(describing: error))
        }
    }

    /// The entry for `name`, if registered.
    @inline(__always)
    func entry(for name: String) -> Entry? {
        self.entries[name]
    }
}
