import ServiceKit

/// Signup's two limits, both counted before anything else costs (the existence check, the KDF) and both
/// blind to whether the account exists: every signup counts against its client address
/// (`signup_per_address`, the address as the unit a client controls: IPv6 by /64) and against its
/// normalised email (`signup_per_email`), in PostgreSQL so every replica counts together.
///
/// ```swift
/// try await limiter.admit(projectID: project, email: email, address: context.clientAddress)  // or RATE_LIMITED
/// ```
struct SignupLimiter: Sendable {
    let perAddress: WindowLimiter
    let perEmail: WindowLimiter

    /// The limiter over `schema`'s hit counters: `perAddressPerHour` and `perEmailPerHour` (0: off).
    init(database: PostgresPool, schema: String, perAddressPerHour: Int, perEmailPerHour: Int) {
        perAddress = WindowLimiter(
            database: database, schema: schema, scope: .signupAddress, limit: perAddressPerHour, window: 3600,
            name: .signupPerAddress)
        perEmail = WindowLimiter(
            database: database, schema: schema, scope: .signupEmail, limit: perEmailPerHour, window: 3600,
            name: .signupPerEmail)
    }

    /// Counts a signup against `address`, then against `email` (normalised).
    /// - Throws: `RATE_LIMITED` naming `signup_per_address` or `signup_per_email`; a signup refused by the email
    ///   limit still counts against the address.
    func admit(projectID: String, email: String, address: String?) async throws {
        try await perAddress.admit(projectID: projectID, key: address)
        try await perEmail.admit(projectID: projectID, key: email)
    }
}
