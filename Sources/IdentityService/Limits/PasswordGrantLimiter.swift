import ServiceKit
import Wire

/// The password grant's two limits, both checked before the KDF runs and both blind to whether the
/// account exists (they count the request's address and normalised email, never a user):
///
/// - every grant counts against its client address (`password_per_address`);
/// - every grant counts against its email up front and is taken back only when it signs in, so what stays
///   counted are the failures (`password_per_email`); counting first keeps concurrent guesses within the
///   limit.
///
/// ```swift
/// let admission = try await limiter.admit(projectID: project, email: email, address: context.clientAddress)
/// // … verify the password; on success:
/// await limiter.succeeded(admission)
/// ```
struct PasswordGrantLimiter: Sendable {
    /// A counted grant: what ``succeeded(_:)`` takes back.
    struct Admission: Sendable {
        /// The email's hit (nil when the email limit is off or the email was malformed).
        var emailHit: Int64?
    }

    let perAddress: WindowLimiter
    let perEmail: WindowLimiter

    /// The limiter over `schema`'s hit counters.
    init(database: PostgresPool, schema: String, config: PasswordLimitConfig) {
        perAddress = WindowLimiter(
            database: database, schema: schema, scope: .passwordAddress, limit: config.perAddressPerHour, window: 3600,
            name: .passwordPerAddress)
        perEmail = WindowLimiter(
            database: database, schema: schema, scope: .passwordEmail, limit: config.failuresPerEmail,
            window: config.failureWindow, name: .passwordPerEmail)
    }

    /// Counts a grant against `address`, then against `email` (a normalised email, nil when malformed).
    /// - Throws: `RATE_LIMITED` naming `password_per_address` or `password_per_email`; a grant refused by the
    ///   email limit still counts against the address.
    func admit(projectID: String, email: String?, address: String?) async throws -> Admission {
        try await perAddress.admit(projectID: projectID, key: address)
        return Admission(emailHit: try await perEmail.admit(projectID: projectID, key: email))
    }

    /// Takes back the email's count of a grant that signed in (a failure to do so only leaves it counted).
    func succeeded(_ admission: Admission) async {
        if let hit = admission.emailHit { try? await perEmail.release(hit) }
    }
}
