/// The part of a ``CallContext`` that travels in a REQUEST frame, as a binary-coded keyed container.
///
/// Field names are the wire identity: `requestId`, `projectId`, `subject`, `sessionId`, `clientAddress`, `keyKind`. Absent optionals are
/// omitted; unknown fields are ignored, so either side may add fields. Neither the deadline (sent in the
/// frame as remaining time) nor the caller service (taken from the certificate) is part of it.
struct CallContextWireForm: Codable, Sendable, Hashable {
    var requestId: String
    var projectId: String?
    var subject: String?
    var sessionId: String?
    var clientAddress: String?
    var keyKind: String?

    init(requestId: String, projectId: String? = nil, subject: String? = nil, sessionId: String? = nil,
         clientAddress: String? = nil, keyKind: String? = nil) {
        self.requestId = requestId
        self.projectId = projectId
        self.subject = subject
        self.sessionId = sessionId
        self.clientAddress = clientAddress
        self.keyKind = keyKind
    }

    init(_ context: CallContext) {
        self.requestId = context.requestID
        self.projectId = context.projectID
        self.subject = context.subject
        self.sessionId = context.sessionID
        self.clientAddress = context.clientAddress
        self.keyKind = context.keyKind
    }

    /// The context for a received call: `callerService` is always nil here (the server sets it from the
    /// peer certificate) and the deadline is rebuilt from the remaining time.
    func context(deadline: ContinuousClock.Instant?) -> CallContext {
        CallContext(requestID: requestId, projectID: projectId, subject: subject, sessionID: sessionId,
                    clientAddress: clientAddress, keyKind: keyKind, callerService: nil, deadline: deadline)
    }
}
