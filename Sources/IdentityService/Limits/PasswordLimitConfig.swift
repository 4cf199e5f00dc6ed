import ServiceKit

/// The limits of the flows that take a password: failed grants per normalised email, grants per client
/// address, and signups per client address and per email. Every variable is optional; defaults are in
/// `docs/identity.md`.
///
/// ```swift
/// var reader = EnvironmentReader(environment)
/// let limits = PasswordLimitConfig(reading: &reader)
/// try reader.finish()
/// ```
struct PasswordLimitConfig: Sendable, Hashable {
    /// `IDENTITY_PASSWORD_FAILURES_PER_EMAIL` (10, 0–10000): failed grants per (project, email) in a
    /// ``failureWindow`` before further grants for that email are refused (0: no limit).
    var failuresPerEmail: Int = 10
    /// `IDENTITY_PASSWORD_FAILURE_WINDOW_SECONDS` (900, 60–86400): the window of ``failuresPerEmail``.
    var failureWindow: Int = 900
    /// `IDENTITY_PASSWORD_PER_ADDRESS_PER_HOUR` (60, 0–10000000): grants per (project, client address) in
    /// any hour (0: no limit).
    var perAddressPerHour: Int = 60
    /// `IDENTITY_SIGNUP_PER_ADDRESS_PER_HOUR` (30, 0–10000000): signups per (project, client address) in any
    /// hour (0: no limit).
    var signupsPerAddressPerHour: Int = 30
    /// `IDENTITY_SIGNUP_PER_EMAIL_PER_HOUR` (5, 0–10000): signups naming one (project, email) in any hour
    /// (0: no limit).
    var signupsPerEmailPerHour: Int = 5

    /// The defaults.
    init() {}

    /// Explicit limits (tests).
    init(
        failuresPerEmail: Int = 10, failureWindow: Int = 900, perAddressPerHour: Int = 60,
        signupsPerAddressPerHour: Int = 30, signupsPerEmailPerHour: Int = 5
    ) {
        self.failuresPerEmail = failuresPerEmail
        self.failureWindow = failureWindow
        self.perAddressPerHour = perAddressPerHour
        self.signupsPerAddressPerHour = signupsPerAddressPerHour
        self.signupsPerEmailPerHour = signupsPerEmailPerHour
    }

    /// Reads the variables; a malformed or out-of-range one is recorded on `reader` (and its default kept).
    init(reading reader: inout EnvironmentReader) {
        failuresPerEmail = reader.integer("IDENTITY_PASSWORD_FAILURES_PER_EMAIL", default: 10, range: 0...10_000)
        failureWindow = reader.integer(
            "IDENTITY_PASSWORD_FAILURE_WINDOW_SECONDS", default: 900, range: 60...WindowLimiter.maximumWindow)
        perAddressPerHour = reader.integer(
            "IDENTITY_PASSWORD_PER_ADDRESS_PER_HOUR", default: 60, range: 0...10_000_000)
        signupsPerAddressPerHour = reader.integer(
            "IDENTITY_SIGNUP_PER_ADDRESS_PER_HOUR", default: 30, range: 0...10_000_000)
        signupsPerEmailPerHour = reader.integer("IDENTITY_SIGNUP_PER_EMAIL_PER_HOUR", default: 5, range: 0...10_000)
    }
}
