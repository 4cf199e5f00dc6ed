/// One call of a ``WireClient``, from dispatch to its single outcome. Created on the caller's thread and
/// from then on touched only on its loop (the loop of the connection it goes through).
///
/// The base class does the bookkeeping (endpoint load, deadline timer, exactly-once completion); the
/// generic ``TypedClientCall`` encodes the request and decodes the response.
///
/// `@unchecked Sendable`: handed once from the caller to the loop, then loop-confined.
class ClientCall: @unchecked Sendable {
    let client: WireClient
    let method: String
    let context: CallContext
    let loop: EventLoop
    let loopIndex: Int
    /// Dispatches so far (first try, then retries of calls that were never processed).
    var attempts = 0
    /// The endpoint whose outstanding count includes this call.
    var endpoint: ClientEndpoint?
    /// The connection the REQUEST went out on, with its call id.
    var connection: ClientConnection?
    var callID: UInt32 = 0
    var deadlineTimer: EventLoop.Scheduled?
    /// Set by ``WireClient`` once the call is on its loop (its continuation is stored by then).
    var begun = false
    /// The caller gave up before the call began on its loop (task cancelled early).
    var cancelRequested = false
    private(set) var isFinished = false
    /// Why the last attempt could not reach a server, reported if no other endpoint can take the call.
    var lastFailure: WireError?

    init(client: WireClient, method: String, context: CallContext, loop: EventLoop, loopIndex: Int) {
        self.client = client
        self.method = method
        self.context = context
        self.loop = loop
        self.loopIndex = loopIndex
    }

    /// Appends the REQUEST frame. Overridden.
    func encodeRequest(into encoder: inout FrameEncoder, callID: UInt32) throws {
        fatalError("abstract")
    }

    /// Decodes the body and resumes the caller. Overridden.
    func resume(body: ArraySlice<UInt8>) {
        fatalError("abstract")
    }

    /// Resumes the caller with an error. Overridden.
    func resume(throwing error: WireError) {
        fatalError("abstract")
    }

    /// The RESPONSE arrived.
    final func succeed(body: ArraySlice<UInt8>) {
        guard self.markFinished() else { return }
        self.resume(body: body)
    }

    /// The call failed (ERROR frame, connection lost, no endpoint, …).
    final func fail(_ error: WireError) {
        guard self.markFinished() else { return }
        self.resume(throwing: error)
    }

    /// The caller gave up (deadline or task cancellation): CANCEL if the REQUEST went out, then fail.
    final func abandon(_ error: WireError) {
        // Before `begin` the caller's thread may still be storing the continuation: only leave a note,
        // which `begin` acts on.
        self.cancelRequested = true
        guard self.begun, !self.isFinished else { return }
        self.connection?.cancel(self)
        self.fail(error)
    }

    /// No longer counted against its endpoint (finished, or moving to another endpoint).
    final func releaseEndpoint() {
        if let endpoint = self.endpoint {
            endpoint.outstanding.subtract(1, ordering: .relaxed)
            self.endpoint = nil
        }
    }

    private func markFinished() -> Bool {
        guard !self.isFinished else { return false }
        self.isFinished = true
        self.deadlineTimer?.cancel()
        self.deadlineTimer = nil
        self.releaseEndpoint()
        self.connection = nil
        return true
    }
}

/// A ``ClientCall`` for one method's request and response types.
final class TypedClientCall<Request: Codable & Sendable, Response: Codable & Sendable>: ClientCall, @unchecked Sendable {
    let request: Request
    var continuation: UnsafeContinuation<Response, any Error>?

    init(client: WireClient, method: MethodDescriptor<Request, Response>, request: Request, context: CallContext,
         loop: EventLoop, loopIndex: Int) {
        self.request = request
        super.init(client: client, method: method.name, context: context, loop: loop, loopIndex: loopIndex)
    }

    override func encodeRequest(into encoder: inout FrameEncoder, callID: UInt32) throws {
        try encoder.appendRequest(callID: callID, method: self.method, context: self.context, encoding: self.request)
    }

    override func resume(body: ArraySlice<UInt8>) {
        guard let continuation = self.continuation else { return }
        self.continuation = nil
        do {
            continuation.resume(returning: try BinaryDecoder().decode(Response.self, from: body))
        } catch {
            continuation.resume(throwing: WireError(
                .internal, "the response does not decode", details: ["reason": String(describing: error)]))
        }
    }

    override func resume(throwing error: WireError) {
        guard let continuation = self.continuation else { return }
        self.continuation = nil
        continuation.resume(throwing: error)
    }
}
