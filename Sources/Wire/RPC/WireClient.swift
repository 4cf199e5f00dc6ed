import Synchronization

/// A Wire RPC client for one service: a list of endpoints, mutual TLS, many calls in flight per connection.
///
/// ```swift
/// let identity = WireClient(service: "identity", endpoints: [WireEndpoint(host: "10.0.0.7", port: 7001)],
///                           tls: meshClientTLS, group: group)
/// let user = try await identity.call(IdentityContract.getUser, GetUser(id: 7),
///                                    CallContext(requestID: "r1", deadline: .now + .milliseconds(250)))
/// ```
/// (Callers normally go through a contract's typed stub, e.g. `EchoContract.Client`.)
///
/// - **Connections:** one per (endpoint, event loop), opened on first use. A caller already running on one
///   of the group's loops (an HTTP handler, a task with executor preference) uses its own loop's
///   connection, so the call never leaves that thread; other callers are spread over the loops.
/// - **Balancing:** each call goes to the endpoint with the fewest outstanding calls among those not
///   backing off.
/// - **Failures:** every error is a ``WireError``. An endpoint that cannot be reached backs off
///   exponentially (with jitter); calls go to other endpoints, and when none can be tried the call fails
///   at once with `unavailable`. A dead connection (no answer to PING) fails its calls with `unavailable`.
///   On GOAWAY, calls in flight finish, and calls the server did not process are retried elsewhere.
/// - **Deadlines and cancellation:** at the context's deadline the call fails with `deadlineExceeded`
///   and a CANCEL goes out; cancelling the calling task does the same with `cancelled`.
public final class WireClient: Sendable {
    /// The service the endpoints serve; also the name expected in their certificates by default.
    public let service: String
    /// The endpoints, in the order given.
    public let endpoints: [WireEndpoint]
    /// The configuration.
    public let configuration: Configuration
    let group: EventLoopGroup
    let endpointStates: [ClientEndpoint]
    private let rotation = Atomic<Int>(0)
    private let loopRotation = Atomic<Int>(0)
    private let closed = Atomic<Bool>(false)

    /// Creates a client; nothing connects until the first call.
    ///
    /// - Parameters:
    ///   - service: the service's name (used in errors).
    ///   - endpoints: where the service listens.
    ///   - tls: a mesh client context (presents this service's certificate).
    ///   - serverName: the service name the servers' certificates must carry (default: `service`).
    ///   - group: the loops the connections live on (share the caller's group to avoid thread hops).
    public init(
        service: String, endpoints: [WireEndpoint], tls: TLSContext, serverName: String? = nil,
        group: EventLoopGroup, configuration: Configuration = Configuration()
    ) {
        self.service = service
        self.endpoints = endpoints
        self.configuration = configuration
        self.group = group
        let settings = ClientConnectionSlot.Settings(
            service: service, tls: tls, serverName: serverName ?? service, configuration: configuration)
        self.endpointStates = endpoints.map { address in
            let endpoint = ClientEndpoint(address: address, loops: group.loops, configuration: configuration)
            for slot in endpoint.slots {
                slot.endpoint = endpoint
                slot.settings = settings
            }
            return endpoint
        }
    }

    deinit {
        let endpoints = self.endpointStates
        for (index, loop) in self.group.loops.enumerated() {
            loop.execute { for endpoint in endpoints { endpoint.slots[index].close() } }
        }
    }

    /// Calls `method` with `request` under `context` (its deadline, request id, project, subject).
    ///
    /// - Throws: ``WireError`` only: the server's error, or `deadlineExceeded`, `cancelled`,
    ///   `unavailable` (no endpoint reachable, connection lost, draining), `resourceExhausted` (request
    ///   too large), `invalidArgument` (request does not encode), `internal` (response does not decode).
    public func call<Request, Response>(
        _ method: MethodDescriptor<Request, Response>, _ request: Request, _ context: CallContext
    ) async throws -> Response {
        let (loop, loopIndex) = self.pickLoop()
        let call = TypedClientCall(
            client: self, method: method, request: request, context: context, loop: loop, loopIndex: loopIndex)
        return try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Response, any Error>) in
                call.continuation = continuation
                if loop.inEventLoop {
                    self.begin(call)
                } else {
                    loop.execute { self.begin(call) }
                }
            }
        } onCancel: {
            loop.execute { call.abandon(WireError(.cancelled, "the caller cancelled the call")) }
        }
    }

    /// Closes every connection (GOAWAY, then close) and fails calls waiting for one. Later calls fail with
    /// `unavailable`. Calls already sent fail with `unavailable` when their connection closes.
    public func close() {
        guard !self.closed.exchange(true, ordering: .relaxed) else { return }
        let endpoints = self.endpointStates
        for (index, loop) in self.group.loops.enumerated() {
            loop.execute { for endpoint in endpoints { endpoint.slots[index].close() } }
        }
    }

    // MARK: dispatch (on the call's loop)

    /// The caller's own loop if it runs on one of the group's, else the next one round robin.
    private func pickLoop() -> (EventLoop, Int) {
        let loops = self.group.loops
        for index in loops.indices where loops[index].inEventLoop {
            return (loops[index], index)
        }
        let index = Int(UInt(bitPattern: self.loopRotation.add(1, ordering: .relaxed).oldValue) % UInt(loops.count))
        return (loops[index], index)
    }

    /// First dispatch: arms the deadline timer, then routes the call.
    private func begin(_ call: ClientCall) {
        call.begun = true
        if call.cancelRequested {
            call.fail(WireError(.cancelled, "the caller cancelled the call"))
            return
        }
        if let deadline = call.context.deadline {
            let now = ContinuousClock.now
            guard deadline > now else {
                call.fail(WireError(.deadlineExceeded, "the deadline passed before the call was sent"))
                return
            }
            call.deadlineTimer = call.loop.scheduleOnLoop(after: deadline - now) {
                call.abandon(WireError(.deadlineExceeded, "the deadline passed"))
            }
        }
        self.dispatch(call)
    }

    /// Routes a call to the least loaded available endpoint (again, for calls that could not be sent or
    /// were not processed). Runs on the call's loop.
    func dispatch(_ call: ClientCall) {
        guard !call.isFinished else { return }
        if self.closed.load(ordering: .relaxed) {
            call.fail(WireError(.unavailable, "the client is closed"))
            return
        }
        call.attempts += 1
        let endpoints = self.endpointStates
        let now = Posix.monotonicNanoseconds()
        let index: Int?
        if call.attempts > endpoints.count + 1 {
            index = nil
        } else if endpoints.count == 1 {
            index = endpoints[0].isAvailable(now: now) ? 0 : nil
        } else {
            let start = self.rotation.add(1, ordering: .relaxed).oldValue
            index = EndpointSelector.pick(count: endpoints.count, start: start) { index in
                EndpointSelector.Candidate(
                    outstanding: endpoints[index].outstanding.load(ordering: .relaxed),
                    isAvailable: endpoints[index].isAvailable(now: now))
            }
        }
        guard let index else {
            call.fail(call.lastFailure ?? WireError(
                .unavailable, "no endpoint of the service is reachable", details: ["service": self.service]))
            return
        }
        let endpoint = endpoints[index]
        endpoint.outstanding.add(1, ordering: .relaxed)
        call.endpoint = endpoint
        endpoint.slots[call.loopIndex].submit(call)
    }
}
