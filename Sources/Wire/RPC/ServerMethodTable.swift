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

    /// One registered method.
    struct Entry: Sendable {
        /// Who may call it.
        let allowedCallers: AllowedCallers
        /// Decodes the body on the connection's loop (throwing ``RequestDecodingFailure`` if it does not
        /// decode) and returns the handler bound to the request.
        let prepare: @Sendable (ArraySlice<UInt8>) throws(RequestDecodingFailure) -> Invocation
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
        let entry = Entry(allowedCallers: method.allowedCallers) { body throws(RequestDecodingFailure) in
            let request: Request
            do {
                request = try BinaryDecoder().decode(Request.self, from: body)
            } catch {
                throw RequestDecodingFailure(description: String(describing: error))
            }
            return { context in .value(try await handler(request, context)) }
        }
        self.entries[method.name] = entry
    }

    /// Adds (or replaces) a typed method whose handler answers with bytes already encoded.
    mutating func register<Request, Response>(
        _ method: MethodDescriptor<Request, Response>,
        encodedHandler handler: @escaping @Sendable (Request, CallContext) async throws -> EncodedResponse<Response>
    ) {
        let entry = Entry(allowedCallers: method.allowedCallers) { body throws(RequestDecodingFailure) in
            let request: Request
            do {
                request = try BinaryDecoder().decode(Request.self, from: body)
            } catch {
                throw RequestDecodingFailure(description: String(describing: error))
            }
            return { context in .encoded(try await handler(request, context).bytes) }
        }
        self.entries[method.name] = entry
    }

    /// The entry for `name`, if registered.
    @inline(__always)
    func entry(for name: String) -> Entry? {
        self.entries[name]
    }
}
