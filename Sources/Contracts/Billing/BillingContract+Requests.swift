import Foundation
import Wire

/// `billing.ChangePlan`'s request.
public struct ChangePlanRequest: Codable, Sendable, Hashable {
    /// The plan id.
    public var plan: String

    /// Creates a request.
    public init(plan: String) { self.plan = plan }
}

/// `billing.SetUpAccount`'s request (operators and signup).
public struct SetUpAccountRequest: Codable, Sendable, Hashable {
    /// The project.
    public var projectID: String
    /// A plan from today (first period not charged); nil starts (or keeps) a trial.
    public var plan: String?
    /// Where billing alerts go; nil keeps it, empty clears.
    public var billingEmail: String?
    /// The referrer's code (only at creation).
    public var referralCode: String?
    /// Whether metered routes are metered for it (false: the guard lets everything through, for benchmarks
    /// and internal projects); nil keeps it.
    public var metering: Bool?

    /// Creates a request.
    public init(
        projectID: String, plan: String? = nil, billingEmail: String? = nil, referralCode: String? = nil,
        metering: Bool? = nil
    ) {
        self.projectID = projectID
        self.plan = plan
        self.billingEmail = billingEmail
        self.referralCode = referralCode
        self.metering = metering
    }
}

/// `billing.AdjustCredits`'s request.
public struct AdjustCreditsRequest: Codable, Sendable, Hashable {
    /// The project.
    public var projectID: String
    /// Signed cents, |amount| ≤ 10^9, not zero.
    public var amountCents: Int64
    /// Why (shown as the entry's reference).
    public var reason: String
    /// Makes a retry the same entry.
    public var idempotencyKey: String?

    /// Creates a request.
    public init(projectID: String, amountCents: Int64, reason: String, idempotencyKey: String? = nil) {
        self.projectID = projectID
        self.amountCents = amountCents
        self.reason = reason
        self.idempotencyKey = idempotencyKey
    }
}

/// `billing.AdvanceClock`'s request.
public struct AdvanceClockRequest: Codable, Sendable, Hashable {
    /// Whole seconds ≥ 1.
    public var advanceSeconds: Int64

    /// Creates a request.
    public init(advanceSeconds: Int64) { self.advanceSeconds = advanceSeconds }
}

/// `billing.Reserve`'s request, for `CallContext.projectID`.
public struct ReserveRequest: Codable, Sendable, Hashable {
    /// `email` or `whatsapp`.
    public var meter: String
    /// 1 to ``BillingLimits/maximumUnits``.
    public var units: Int64

    /// Creates a request.
    public init(meter: String, units: Int64) {
        self.meter = meter
        self.units = units
    }
}

/// `billing.Reserve`'s answer.
public struct ReservationView: Codable, Sendable, Hashable {
    /// `rsv_…`, or nil when the project is not metered (nothing to settle).
    public var id: String?
    /// Wallet credit held (0 when included units cover it).
    public var amountCents: Int64

    /// Creates a view.
    public init(id: String?, amountCents: Int64) {
        self.id = id
        self.amountCents = amountCents
    }
}

/// `billing.Capture` / `billing.Release`'s request.
public struct SettleRequest: Codable, Sendable, Hashable {
    /// The reservation.
    public var reservationID: String

    /// Creates a request.
    public init(reservationID: String) { self.reservationID = reservationID }
}

/// The reservation's state after a capture or release: `captured` or `released` (a repeat changes nothing
/// and answers the state it already had), `unknown` for an id Billing never made.
public struct SettleResponse: Codable, Sendable, Hashable {
    /// `captured`, `released` or `unknown`.
    public var status: String

    /// Creates a response.
    public init(status: String) { self.status = status }
}

/// A verified payment provider event.
public struct PaymentEventRequest: Codable, Sendable, Hashable {
    /// `stripe` or `payments`.
    public var provider: String
    /// The provider's own id of what it reports (a Stripe event id, a payment id): the dedupe key.
    public var eventID: String
    /// `topup` or `refund`.
    public var kind: String
    /// The project.
    public var projectID: String
    /// For a top-up the amount paid; for a refund the charge's cumulative `amount_refunded`.
    public var amountCents: Int64
    /// Compared case-insensitively with the wallet's.
    public var currency: String
    /// What it is about (a charge id for refunds: refunds add up per charge).
    public var reference: String

    /// Creates a request.
    public init(
        provider: String, eventID: String, kind: String, projectID: String, amountCents: Int64, currency: String,
        reference: String
    ) {
        self.provider = provider
        self.eventID = eventID
        self.kind = kind
        self.projectID = projectID
        self.amountCents = amountCents
        self.currency = currency
        self.reference = reference
    }
}

/// What a payment event did: `applied`, `duplicate` (already applied) or `ignored` (another currency,
/// nothing new refunded).
public struct PaymentEventResponse: Codable, Sendable, Hashable {
    /// The outcome.
    public var outcome: String

    /// Creates a response.
    public init(outcome: String) { self.outcome = outcome }
}
