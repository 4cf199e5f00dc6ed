import Contracts
import Foundation
import ServiceKit

/// BillingService's data, in its schema: every read and write of plans, subscriptions, the ledger, usage
/// and reservations. The money paths run the schema's functions (``BillingMeteringSQL``) so each is one
/// round trip and one transaction; Billing's now is the database's (`billing_now()`, wall clock plus the
/// test clock's advances), the same for every replica.
///
/// The extensions group the methods: `+Catalog`, `+Subscriptions`, `+Metering`, `+Ledger`, `+Payments`,
/// `+Cycle`.
struct BillingStore: Sendable {
    /// The pool.
    let pool: PostgresPool
    /// The schema (`billing`, or a test's own).
    let schema: String
    /// Reservations, committed in groups (``GroupCommit``).
    let reservations: GroupCommit<ReserveItem, ReserveOutcome>
    /// Captures and releases, committed in groups.
    let captures: GroupCommit<String, String>
    let releases: GroupCommit<String, String>
    /// Runs inside each renewal between the charge and the commit (tests; `BILLING_TEST_CYCLE_PAUSE_MS`).
    var afterCharge: (@Sendable (String) async throws -> Void)?

    /// A store over `schema`.
    init(pool: PostgresPool, schema: String = BillingServiceMigrations.schema) {
        self.pool = pool
        self.schema = schema
        // One batch in flight for reservations and captures: while it runs, the next one gathers every call that
        // arrives, so batches are bigger and a batch's fixed cost (its statements and commit) is shared by more calls
        // (64 projects: 2,583 → 4,872 pairs/s, docs/benchmarks.md). Releases are rare and keep two.
        self.reservations = GroupCommit(maximumInFlight: 1) { batch in try await Self.reserveMany(batch, pool: pool, schema: schema) }
        self.captures = GroupCommit(maximumInFlight: 1) { batch in try await Self.settleMany("capture", batch.map(\.item), pool: pool, schema: schema) }
        self.releases = GroupCommit { batch in try await Self.settleMany("release", batch.map(\.item), pool: pool, schema: schema) }
    }

    /// `schema.name`.
    func table(_ name: String) -> String { schema + "." + name }

    /// Billing's now.
    func now(_ client: some PostgresClient) async throws -> Date {
        try await client.query("SELECT \(schema).billing_now()").first!.decode(Date.self, at: 0)
    }

    /// Makes the project's trial and wallet if Billing has never seen it.
    func ensureAccount(_ client: some PostgresClient, projectID: String) async throws {
        try await client.execute(
            "SELECT \(schema).ensure_account($1, \(schema).billing_now())", [projectID])
    }

    /// The subscription row of `projectID`, locked for the rest of the transaction (made first if absent), with the
    /// project's captured usage then posted (``postUsage(_:projectID:)``), so that whatever the caller writes to the
    /// ledger follows the usage before it. Lock order: subscription, pending usage, accounts.
    func lockSubscription(_ tx: PostgresTransaction, projectID: String) async throws -> SubscriptionRow {
        try await ensureAccount(tx, projectID: projectID)
        let rows = try await tx.query(
            "SELECT \(SubscriptionRow.columns) FROM \(table("subscriptions")) WHERE project_id = $1 FOR UPDATE",
            [projectID])
        try await postUsage(tx, projectID: projectID)
        return try SubscriptionRow(rows.first!)
    }

    /// 400 `VALIDATION_FAILED` for a plan id that is not in the catalog.
    static let unknownPlan = PublicError.validation("plan", "plan must be one of the catalog's plan ids.")
}

/// A subscription as stored.
struct SubscriptionRow: Sendable, Hashable {
    /// The columns ``init(_:)`` reads, in order.
    static let columns = """
        project_id, plan, status, anchor, period_index, period_start, period_end, trial_ends_at, trial_units_used,
        trial_units_limit, pending_plan, due_cents, metering, billing_email, referral_code, referred_by
        """
    let projectID: String
    let plan: String
    let status: String
    let anchor: Date
    let periodIndex: Int
    let periodStart: Date
    let periodEnd: Date
    let trialEndsAt: Date?
    let trialUnitsUsed: Int64
    let trialUnitsLimit: Int64
    let pendingPlan: String?
    let dueCents: Int64
    let metering: Bool
    let billingEmail: String?
    let referralCode: String
    let referredBy: String?

    init(_ row: PostgresRow) throws {
        (projectID, plan, status, anchor, periodIndex, periodStart, periodEnd, trialEndsAt) =
            try (row.decode(String.self, at: 0), row.decode(String.self, at: 1), row.decode(String.self, at: 2),
                 row.decode(Date.self, at: 3), row.decode(Int.self, at: 4), row.decode(Date.self, at: 5),
                 row.decode(Date.self, at: 6), row.decode(Date?.self, at: 7))
        (trialUnitsUsed, trialUnitsLimit, pendingPlan, dueCents, metering, billingEmail, referralCode, referredBy) =
            try (row.decode(Int64.self, at: 8), row.decode(Int64.self, at: 9), row.decode(String?.self, at: 10),
                 row.decode(Int64.self, at: 11), row.decode(Bool.self, at: 12), row.decode(String?.self, at: 13),
                 row.decode(String.self, at: 14), row.decode(String?.self, at: 15))
    }

    /// The contract's view at `now`: a trial past its days or units shows `locked` even before the sweep
    /// has written it; `days_left` is rounded up.
    func view(now: Date) -> SubscriptionView {
        var status = self.status
        var trial: TrialView?
        if plan == "trial", let endsAt = trialEndsAt {
            if status == "trialing", now >= endsAt || trialUnitsUsed >= trialUnitsLimit { status = "locked" }
            let left = max(0, endsAt.timeIntervalSince(now))
            trial = TrialView(
                endsAt: endsAt, daysLeft: Int((left / 86_400).rounded(.up)), unitsUsed: trialUnitsUsed,
                unitsLimit: trialUnitsLimit)
        }
        return SubscriptionView(
            plan: plan, status: status, currentPeriodStart: periodStart, currentPeriodEnd: periodEnd, trial: trial,
            pendingPlan: pendingPlan)
    }
}
