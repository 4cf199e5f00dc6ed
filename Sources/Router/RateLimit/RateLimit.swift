/// A token-bucket budget: `burst` requests at once, refilled at `perSecond` requests per second.
///
/// ```swift
/// let projectLimit = RateLimit(perSecond: 100, burst: 200)      // the contract's default
/// let magicLinks = RateLimit(perSecond: 5.0 / 3600, burst: 5)   // 5 an hour per email address
/// ```
///
/// Values are clamped so the bucket arithmetic (integer nanoseconds) cannot overflow:
/// `perSecond` to 1/day…1,000,000 and `burst` to 1…100,000.
struct RateLimit: Sendable, Hashable {
    /// The contract's default for a project: 100 requests per second with a burst of 200.
    static let projectDefault = RateLimit(perSecond: 100, burst: 200)

    /// Refill rate, in requests per second.
    let perSecond: Double
    /// Bucket capacity: the most requests accepted at once after an idle period. Sent as `RateLimit-Limit`.
    let burst: Int

    /// Creates a budget, clamping both values to the supported range.
    init(perSecond: Double, burst: Int) {
        let rate = perSecond.isNaN ? 1 : perSecond
        self.perSecond = min(max(rate, 1.0 / 86_400), 1_000_000)
        self.burst = min(max(burst, 1), 100_000)
    }

    /// Nanoseconds to earn one token back (the GCRA emission interval), at least 1.
    var interval: Int64 { max(1, Int64((1e9 / perSecond).rounded())) }

    /// How far ahead of now the bucket's "full again" time may be while one token is still left:
    /// `(burst - 1) × interval` nanoseconds.
    var tolerance: Int64 { Int64(burst - 1) * interval }
}
