/// The metadata every Wire call carries next to its body: who and what the call is for, and its deadline.
///
///     let context = CallContext(requestID: "req-42", projectID: "prj_1",
///                               deadline: .now + .seconds(2))
///
/// On the wire (REQUEST frame) the identifiers are a binary-coded keyed container, so fields can be added
/// later without breaking older peers, and the deadline is sent as *remaining time* and rebuilt by the
/// receiver on its own clock. ``callerService`` is never sent: the receiving server sets it from the peer's
/// certificate, and ignores anything a peer claims.
public struct CallContext: Sendable, Hashable {
    /// Correlates logs across services; stamped at the edge (Router).
    public var requestID: String
    /// The project (tenant) the call acts for, from the authenticated API key; nil for mesh-internal calls.
    public var projectID: String?
    /// The end user the call acts for (JWT `sub`), if any.
    public var subject: String?
    /// The end user's session, if any.
    public var sessionID: String?
    /// The end user's network address as the Router saw it (for per-address limits and audit), if any.
    public var clientAddress: String?
    /// The kind of API key the request came with (`secret` or `publishable`), if any: services that let a
    /// publishable key in (the vault's document rules) decide by it.
    public var keyKind: String?
    /// The calling service as proven by its mesh certificate; set by the server, never read from the bytes.
    public var callerService: String?
    /// When the caller stops waiting; nil for no deadline.
    public var deadline: ContinuousClock.Instant?

    /// Creates a context. `callerService` is normally left nil: the server fills it in.
    public init(
        requestID: String,
        projectID: String? = nil,
        subject: String? = nil,
        sessionID: String? = nil,
        clientAddress: String? = nil,
        keyKind: String? = nil,
        callerService: String? = nil,
        deadline: ContinuousClock.Instant? = nil
    ) {
        self.requestID = requestID
        self.projectID = projectID
        self.subject = subject
        self.sessionID = sessionID
        self.clientAddress = clientAddress
        self.keyKind = keyKind
        self.callerService = callerService
        self.deadline = deadline
    }

    /// The time left until `deadline` as seen at `now` (never negative), or nil without a deadline.
    public func remainingTime(at now: ContinuousClock.Instant) -> Duration? {
        guard let deadline else { return nil }
        return deadline > now ? deadline - now : .zero
    }
}
