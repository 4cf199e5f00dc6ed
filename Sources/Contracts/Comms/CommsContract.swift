import Wire

/// CommsService's methods (`comms.*`): the email channel's outbox, templates, suppressions, sender domains
/// and provider events. Every method acts for `CallContext.projectID` (required: a call without it is
/// `invalidArgument`), except ``recordDeliveryEvent``, whose message id names its project.
///
/// Errors follow ``WireError/public(_:_:_:_:)``: e.g. `VALIDATION_FAILED` with `field` for a bad address,
/// a header injection or a missing template variable; `NOT_FOUND` for an unknown (or another project's) id.
public enum CommsContract {
    /// `comms.SendEmail`: validates, renders (template or inline), and commits the message to the outbox;
    /// answers only after the commit. The same `idempotencyKey` in a project yields the same message.
    public static let sendEmail = MethodDescriptor<SendEmailRequest, SendEmailResponse>(
        "comms.SendEmail", allowedCallers: .only(["router", "identity", "billing"]))
    /// `comms.SendTemplatedEmail`: as ``sendEmail`` with a template chosen by name: the project's own template
    /// of that name if it has one, else the built-in one (e.g. `identity.magiclink`). For other services.
    public static let sendTemplatedEmail = MethodDescriptor<SendTemplatedEmailRequest, SendEmailResponse>(
        "comms.SendTemplatedEmail", allowedCallers: .only(["router", "identity"]))
    /// `comms.GetMessage`: one message with its events.
    public static let getMessage = MethodDescriptor<MessageIDRequest, MessageView>(
        "comms.GetMessage", allowedCallers: .only(["router"]))
    /// `comms.ListMessages`: newest first, optionally filtered by status.
    public static let listMessages = MethodDescriptor<ListMessagesRequest, Page<MessageView>>(
        "comms.ListMessages", allowedCallers: .only(["router"]))
    /// `comms.CreateTemplate`: a new template (names are unique per project: `CONFLICT` otherwise).
    public static let createTemplate = MethodDescriptor<CreateTemplateRequest, TemplateView>(
        "comms.CreateTemplate", allowedCallers: .only(["router"]))
    /// `comms.ListTemplates`: the project's templates, newest first.
    public static let listTemplates = MethodDescriptor<PageQuery, Page<TemplateView>>(
        "comms.ListTemplates", allowedCallers: .only(["router"]))
    /// `comms.ListSuppressions`: suppressed addresses, newest first.
    public static let listSuppressions = MethodDescriptor<PageQuery, Page<SuppressionView>>(
        "comms.ListSuppressions", allowedCallers: .only(["router"]))
    /// `comms.DeleteSuppression`: lets an address receive mail again (`NOT_FOUND` if it was not suppressed).
    public static let deleteSuppression = MethodDescriptor<SuppressionRequest, Empty>(
        "comms.DeleteSuppression", allowedCallers: .only(["router"]))
    /// `comms.GetSettings`: the project's email settings (never the relay password).
    public static let getSettings = MethodDescriptor<Empty, CommsSettingsView>(
        "comms.GetSettings", allowedCallers: .only(["router"]))
    /// `comms.UpdateSettings`: sets the project's relay, default sender and unsubscribe URL (absent fields
    /// are kept; an empty string clears). The relay's credentials are stored encrypted.
    public static let updateSettings = MethodDescriptor<UpdateCommsSettingsRequest, CommsSettingsView>(
        "comms.UpdateSettings", allowedCallers: .only(["router"]))
    /// `comms.RecordDeliveryEvent`: a verified provider event (inbound `email` webhook): delivered, bounced
    /// or complained. Idempotent per `eventID`. An unknown message id is `NOT_FOUND`.
    public static let recordDeliveryEvent = MethodDescriptor<DeliveryEventRequest, Empty>(
        "comms.RecordDeliveryEvent", allowedCallers: .only(["router"]))
    /// `comms.CreateDomain`: adds a sender domain (`pending`) with a new DKIM key; `CONFLICT` when the
    /// project has it already.
    public static let createDomain = MethodDescriptor<CreateDomainRequest, DomainView>(
        "comms.CreateDomain", allowedCallers: .only(["router"]))
    /// `comms.ListDomains`: the project's sender domains, newest first.
    public static let listDomains = MethodDescriptor<PageQuery, Page<DomainView>>(
        "comms.ListDomains", allowedCallers: .only(["router"]))
    /// `comms.GetDomain`: one sender domain (`NOT_FOUND` for an unknown or another project's id).
    public static let getDomain = MethodDescriptor<DomainIDRequest, DomainView>(
        "comms.GetDomain", allowedCallers: .only(["router"]))
    /// `comms.VerifyDomain`: looks the domain's records up in DNS and answers its new state.
    public static let verifyDomain = MethodDescriptor<DomainIDRequest, DomainView>(
        "comms.VerifyDomain", allowedCallers: .only(["router"]))
    /// `comms.DeleteDomain`: removes a sender domain and its key; its addresses can no longer send.
    public static let deleteDomain = MethodDescriptor<DomainIDRequest, Empty>(
        "comms.DeleteDomain", allowedCallers: .only(["router"]))

    /// The typed client stub.
    public struct Client: Sendable {
        /// The client for CommsService's endpoints.
        public let client: WireClient

        /// Wraps a client whose endpoints serve the comms contract.
        public init(_ client: WireClient) { self.client = client }

        /// Calls `comms.SendEmail`.
        public func sendEmail(_ request: SendEmailRequest, _ context: CallContext) async throws -> SendEmailResponse {
            try await client.call(CommsContract.sendEmail, request, context)
        }
        /// Calls `comms.SendTemplatedEmail`.
        public func sendTemplatedEmail(
            _ request: SendTemplatedEmailRequest, _ context: CallContext
        ) async throws -> SendEmailResponse {
            try await client.call(CommsContract.sendTemplatedEmail, request, context)
        }
        /// Calls `comms.GetMessage`.
        public func getMessage(_ request: MessageIDRequest, _ context: CallContext) async throws -> MessageView {
            try await client.call(CommsContract.getMessage, request, context)
        }
        /// Calls `comms.ListMessages`.
        public func listMessages(
            _ request: ListMessagesRequest, _ context: CallContext
        ) async throws -> Page<MessageView> {
            try await client.call(CommsContract.listMessages, request, context)
        }
        /// Calls `comms.CreateTemplate`.
        public func createTemplate(
            _ request: CreateTemplateRequest, _ context: CallContext
        ) async throws -> TemplateView {
            try await client.call(CommsContract.createTemplate, request, context)
        }
        /// Calls `comms.ListTemplates`.
        public func listTemplates(_ request: PageQuery, _ context: CallContext) async throws -> Page<TemplateView> {
            try await client.call(CommsContract.listTemplates, request, context)
        }
        /// Calls `comms.ListSuppressions`.
        public func listSuppressions(
            _ request: PageQuery, _ context: CallContext
        ) async throws -> Page<SuppressionView> {
            try await client.call(CommsContract.listSuppressions, request, context)
        }
        /// Calls `comms.DeleteSuppression`.
        public func deleteSuppression(_ request: SuppressionRequest, _ context: CallContext) async throws {
            _ = try await client.call(CommsContract.deleteSuppression, request, context)
        }
        /// Calls `comms.GetSettings`.
        public func getSettings(_ context: CallContext) async throws -> CommsSettingsView {
            try await client.call(CommsContract.getSettings, Empty(), context)
        }
        /// Calls `comms.UpdateSettings`.
        public func updateSettings(
            _ request: UpdateCommsSettingsRequest, _ context: CallContext
        ) async throws -> CommsSettingsView {
            try await client.call(CommsContract.updateSettings, request, context)
        }
        /// Calls `comms.RecordDeliveryEvent`.
        public func recordDeliveryEvent(_ request: DeliveryEventRequest, _ context: CallContext) async throws {
            _ = try await client.call(CommsContract.recordDeliveryEvent, request, context)
        }
    }
}
