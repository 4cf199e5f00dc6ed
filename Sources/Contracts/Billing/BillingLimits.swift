/// The bounds both sides check on billing inputs.
public enum BillingLimits {
    /// The largest amount of money any one request may name (10^9 cents).
    public static let maximumCents: Int64 = 1_000_000_000
    /// The only wallet currency today.
    public static let currency = "USD"
    /// The meters.
    public static let meters = ["email", "whatsapp"]
    /// The trial: 14 days or 100 metered units, whichever comes first.
    public static let trialDays = 14
    /// See ``trialDays``.
    public static let trialUnits: Int64 = 100
    /// Unsettled reservations are released after this many seconds (24 h).
    public static let reservationLifetimeSeconds = 86_400
    /// Usage thresholds, in percent of a meter's included units.
    public static let thresholds = [70, 85, 95]
    /// The most units one reservation may hold.
    public static let maximumUnits: Int64 = 1_000
    /// The referral commissions, in percent, by level.
    public static let commissionPercents: [Int64] = [20, 5]
    /// The message of `402 TRIAL_ENDED`.
    public static let trialEndedMessage = "Your trial has ended. Choose a plan to pick up where you left off."
}
