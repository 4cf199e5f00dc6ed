import Foundation
import Wire

/// One plan of the catalog, as `GET /v1/billing/plans` shows it (and `PUT /v1/admin/billing/plans/{id}` takes).
public struct PlanView: Codable, Sendable, Hashable {
    /// `gratis`, `starter`, `partner`, or an operator's.
    public var id: String
    /// The display name.
    public var name: String
    /// The price per month.
    public var priceCents: Int64
    /// `USD`.
    public var currency: String
    /// Included units per period, by meter.
    public var includedEmail: Int64
    /// See ``includedEmail``.
    public var includedWhatsapp: Int64
    /// The price of a unit past the included ones, by meter.
    public var overageEmailCents: Int64
    /// See ``overageEmailCents``.
    public var overageWhatsappCents: Int64
    /// How many WhatsApp instances.
    public var instances: Int
    /// Whether the plan is white-label.
    public var whiteLabel: Bool

    /// Creates a plan.
    public init(
        id: String, name: String, priceCents: Int64, currency: String = BillingLimits.currency, includedEmail: Int64,
        includedWhatsapp: Int64, overageEmailCents: Int64 = 1, overageWhatsappCents: Int64 = 5, instances: Int,
        whiteLabel: Bool
    ) {
        self.id = id
        self.name = name
        self.priceCents = priceCents
        self.currency = currency
        self.includedEmail = includedEmail
        self.includedWhatsapp = includedWhatsapp
        self.overageEmailCents = overageEmailCents
        self.overageWhatsappCents = overageWhatsappCents
        self.instances = instances
        self.whiteLabel = whiteLabel
    }
}

/// The catalog: the plans and the trial's terms.
public struct CatalogView: Codable, Sendable, Hashable {
    /// The plans, cheapest first.
    public var plans: [PlanView]
    /// Trial length in days.
    public var trialDays: Int
    /// Trial units.
    public var trialUnits: Int64

    /// Creates a catalog.
    public init(plans: [PlanView], trialDays: Int, trialUnits: Int64) {
        self.plans = plans
        self.trialDays = trialDays
        self.trialUnits = trialUnits
    }
}

/// The trial part of a subscription.
public struct TrialView: Codable, Sendable, Hashable {
    /// When it ends by time.
    public var endsAt: Date
    /// Days left, rounded up (0 once over).
    public var daysLeft: Int
    /// Units counted so far (reserved and captured).
    public var unitsUsed: Int64
    /// The units it allows.
    public var unitsLimit: Int64

    /// Creates a view.
    public init(endsAt: Date, daysLeft: Int, unitsUsed: Int64, unitsLimit: Int64) {
        self.endsAt = endsAt
        self.daysLeft = daysLeft
        self.unitsUsed = unitsUsed
        self.unitsLimit = unitsLimit
    }
}

/// A project's subscription, as `GET /v1/billing/subscription` shows it.
public struct SubscriptionView: Codable, Sendable, Hashable {
    /// `trial` or a plan id.
    public var plan: String
    /// `trialing`, `active`, `past_due` or `locked`.
    public var status: String
    /// The current period.
    public var currentPeriodStart: Date
    /// See ``currentPeriodStart``.
    public var currentPeriodEnd: Date
    /// The trial, while the plan is `trial`.
    public var trial: TrialView?
    /// The plan a downgrade takes at the period's end.
    public var pendingPlan: String?

    /// Creates a view.
    public init(
        plan: String, status: String, currentPeriodStart: Date, currentPeriodEnd: Date, trial: TrialView?,
        pendingPlan: String?
    ) {
        self.plan = plan
        self.status = status
        self.currentPeriodStart = currentPeriodStart
        self.currentPeriodEnd = currentPeriodEnd
        self.trial = trial
        self.pendingPlan = pendingPlan
    }
}

/// The wallet.
public struct WalletView: Codable, Sendable, Hashable {
    /// The sum of the wallet's ledger entries.
    public var balanceCents: Int64
    /// `USD`.
    public var currency: String
    /// Held by open reservations.
    public var reservedCents: Int64

    /// Creates a view.
    public init(balanceCents: Int64, currency: String, reservedCents: Int64) {
        self.balanceCents = balanceCents
        self.currency = currency
        self.reservedCents = reservedCents
    }
}

/// One entry of the wallet's ledger.
public struct LedgerEntryView: Codable, Sendable, Hashable {
    /// The posting's id (`led_…`).
    public var id: String
    /// When it was written.
    public var at: Date
    /// `topup`, `plan_charge`, `usage`, `commission`, `refund` or `adjustment`.
    public var type: String
    /// Signed: positive adds to the wallet.
    public var amountCents: Int64
    /// The wallet's balance after it.
    public var balanceAfterCents: Int64
    /// What it is about (a provider event, a reservation, a period, an operator's reason).
    public var reference: String?

    /// Creates a view.
    public init(id: String, at: Date, type: String, amountCents: Int64, balanceAfterCents: Int64, reference: String?) {
        self.id = id
        self.at = at
        self.type = type
        self.amountCents = amountCents
        self.balanceAfterCents = balanceAfterCents
        self.reference = reference
    }
}

/// One meter this period.
public struct UsageView: Codable, Sendable, Hashable {
    /// `email` or `whatsapp`.
    public var meter: String
    /// Included units.
    public var included: Int64
    /// Reserved and captured units, past the included ones too.
    public var used: Int64
    /// Included units left.
    public var remaining: Int64
    /// Units past the included ones.
    public var overageUnits: Int64
    /// Their price.
    public var overageCents: Int64
    /// The thresholds (70, 85, 95) crossed this period.
    public var thresholdsCrossed: [Int]

    /// Creates a view.
    public init(
        meter: String, included: Int64, used: Int64, remaining: Int64, overageUnits: Int64, overageCents: Int64,
        thresholdsCrossed: [Int]
    ) {
        self.meter = meter
        self.included = included
        self.used = used
        self.remaining = remaining
        self.overageUnits = overageUnits
        self.overageCents = overageCents
        self.thresholdsCrossed = thresholdsCrossed
    }
}

/// Every meter this period.
public struct UsageList: Codable, Sendable, Hashable {
    /// `email` then `whatsapp`.
    public var data: [UsageView]

    /// Creates a list.
    public init(data: [UsageView]) { self.data = data }
}

/// A project's referral standing.
public struct ReferralsView: Codable, Sendable, Hashable {
    /// The code others sign up with.
    public var code: String
    /// Projects it referred.
    public var level1: Int
    /// Projects those referred.
    public var level2: Int
    /// Commissions ever.
    public var earnedCentsTotal: Int64
    /// Commissions this period.
    public var earnedCentsThisPeriod: Int64

    /// Creates a view.
    public init(code: String, level1: Int, level2: Int, earnedCentsTotal: Int64, earnedCentsThisPeriod: Int64) {
        self.code = code
        self.level1 = level1
        self.level2 = level2
        self.earnedCentsTotal = earnedCentsTotal
        self.earnedCentsThisPeriod = earnedCentsThisPeriod
    }
}

/// Billing's notion of now.
public struct ClockView: Codable, Sendable, Hashable {
    /// The wall clock plus every advance so far.
    public var now: Date

    /// Creates a view.
    public init(now: Date) { self.now = now }
}
