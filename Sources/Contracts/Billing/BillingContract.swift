import Wire

/// BillingService's methods (`billing.*`): plans, subscriptions, the prepaid wallet and its double-entry
/// ledger, usage, referrals and the credit guard's reservations. Project methods act for
/// `CallContext.projectID` (required: `invalidArgument` without it); operator methods name the project in
/// their request. A project Billing has never seen starts a trial on first touch.
///
/// Errors follow ``PublicError``: `VALIDATION_FAILED` with `field`, `INSUFFICIENT_CREDITS` with
/// `balanceCents` (what is available), `TRIAL_ENDED`, `NOT_FOUND`.
public enum BillingContract {
    /// `billing.Catalog`: the plans and the trial's terms.
    public static let catalog = MethodDescriptor<Empty, CatalogView>(
        "billing.Catalog", allowedCallers: .only(["router"]))
    /// `billing.PutPlan`: creates or replaces one plan of the catalog (operators).
    public static let putPlan = MethodDescriptor<PlanView, PlanView>(
        "billing.PutPlan", allowedCallers: .only(["router"]))
    /// `billing.Subscription`: the project's subscription.
    public static let subscription = MethodDescriptor<Empty, SubscriptionView>(
        "billing.Subscription", allowedCallers: .only(["router"]))
    /// `billing.ChangePlan`: chooses a plan (trial → plan at full price; upgrade prorated now; downgrade at
    /// the period's end).
    public static let changePlan = MethodDescriptor<ChangePlanRequest, SubscriptionView>(
        "billing.ChangePlan", allowedCallers: .only(["router"]))
    /// `billing.SetUpAccount`: a new project's subscription (a trial, or a plan from today whose first period
    /// is not charged), billing email, referrer and metering switch. Idempotent per project: an existing
    /// subscription keeps its plan; the other fields given are updated.
    public static let setUpAccount = MethodDescriptor<SetUpAccountRequest, SubscriptionView>(
        "billing.SetUpAccount", allowedCallers: .only(["router", "identity"]))
    /// `billing.Wallet`: balance and held amount.
    public static let wallet = MethodDescriptor<Empty, WalletView>(
        "billing.Wallet", allowedCallers: .only(["router"]))
    /// `billing.Ledger`: the wallet's entries, newest first.
    public static let ledger = MethodDescriptor<PageQuery, Page<LedgerEntryView>>(
        "billing.Ledger", allowedCallers: .only(["router"]))
    /// `billing.Usage`: each meter this period.
    public static let usage = MethodDescriptor<Empty, UsageList>(
        "billing.Usage", allowedCallers: .only(["router"]))
    /// `billing.Referrals`: the project's code and what it earned.
    public static let referrals = MethodDescriptor<Empty, ReferralsView>(
        "billing.Referrals", allowedCallers: .only(["router"]))
    /// `billing.AdjustCredits`: an operator's adjustment (positive from promotions, negative down to zero).
    public static let adjustCredits = MethodDescriptor<AdjustCreditsRequest, LedgerEntryView>(
        "billing.AdjustCredits", allowedCallers: .only(["router"]))
    /// `billing.AdvanceClock`: moves Billing's now forward and runs everything due (only with
    /// `BILLING_TEST_CLOCK=1`; `NOT_FOUND` otherwise).
    public static let advanceClock = MethodDescriptor<AdvanceClockRequest, ClockView>(
        "billing.AdvanceClock", allowedCallers: .only(["router"]))
    /// `billing.Reserve`: holds `units` of a meter (included units first, then wallet credit), all or none.
    public static let reserve = MethodDescriptor<ReserveRequest, ReservationView>(
        "billing.Reserve", allowedCallers: .only(["router"]))
    /// `billing.Capture`: the work was done; idempotent by reservation id.
    public static let capture = MethodDescriptor<SettleRequest, SettleResponse>(
        "billing.Capture", allowedCallers: .only(["router", "comms"]))
    /// `billing.Release`: the work failed for good; idempotent by reservation id.
    public static let release = MethodDescriptor<SettleRequest, SettleResponse>(
        "billing.Release", allowedCallers: .only(["router", "comms"]))
    /// `billing.RecordPayment`: a verified provider event (top-up or refund); at most one ledger transaction
    /// per provider event, ever.
    public static let recordPayment = MethodDescriptor<PaymentEventRequest, PaymentEventResponse>(
        "billing.RecordPayment", allowedCallers: .only(["router"]))

    /// The typed client stub.
    public struct Client: Sendable {
        /// The client for BillingService's endpoints.
        public let client: WireClient

        /// Wraps a client whose endpoints serve the billing contract.
        public init(_ client: WireClient) { self.client = client }

        /// Calls `method`.
        public func call<Request, Response>(
            _ method: MethodDescriptor<Request, Response>, _ request: Request, _ context: CallContext
        ) async throws -> Response {
            try await client.call(method, request, context)
        }
    }
}
