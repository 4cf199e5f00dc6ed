import Foundation
import ServiceKit
import Wire

/// The one-time links' settings: where CommsService is, lifetimes for projects without their own (the
/// app hands them to ``IdentitySettingsStore`` as its defaults), and the limits. Every variable is optional;
/// defaults are in `docs/identity-links.md`.
///
/// ```swift
/// var reader = EnvironmentReader(environment)
/// let links = IdentityLinkConfig(reading: &reader)
/// try reader.finish()
/// ```
struct IdentityLinkConfig: Sendable {
    /// `COMMS_WIRE_ENDPOINTS`: CommsService's Wire servers (comma-separated `host:port`); empty: no Comms.
    var commsEndpoints: [WireEndpoint] = []
    /// `IDENTITY_MAGICLINK_LIFETIME_SECONDS` (900): a magic link's lifetime when the project sets none.
    var magicLinkLifetime: Int = 900
    /// `IDENTITY_RECOVERY_LIFETIME_SECONDS` (3600): a recovery link's lifetime when the project sets none.
    var recoveryLifetime: Int = 3600
    /// `IDENTITY_CONFIRMATION_LIFETIME_SECONDS` (86400): a signup confirmation's lifetime when the project
    /// sets none.
    var confirmationLifetime: Int = 86400
    /// `IDENTITY_EMAIL_PER_MINUTE` (1): emails per address of email, flow and project in any 60 s (0: no limit).
    var emailsPerMinute: Int = 1
    /// `IDENTITY_EMAIL_PER_HOUR` (5): emails per address of email, flow and project in any hour (0: no limit).
    var emailsPerHour: Int = 5
    /// `IDENTITY_ADDRESS_PER_HOUR` (30): link requests per client address and project in any hour (0: no limit).
    var addressRequestsPerHour: Int = 30
    /// `IDENTITY_CODE_MAX_GUESSES` (5): wrong codes after which a token dies.
    var codeMaxGuesses: Int = 5
    /// An extra key for the codes' HMAC (not read from the environment: the production wiring derives it from
    /// the master key with ``withCodeKey(derivedFrom:)``). Without it each code is keyed by its row's random
    /// salt only.
    var codeKey: Secret<[UInt8]>? = nil

    /// The defaults (for tests).
    init() {}

    /// Reads the variables; a malformed or out-of-range one is recorded on `reader` (and its default kept).
    init(reading reader: inout EnvironmentReader) {
        let week = 7 * 86400
        magicLinkLifetime = reader.integer("IDENTITY_MAGICLINK_LIFETIME_SECONDS", default: 900, range: 60...week)
        recoveryLifetime = reader.integer("IDENTITY_RECOVERY_LIFETIME_SECONDS", default: 3600, range: 60...week)
        confirmationLifetime = reader.integer("IDENTITY_CONFIRMATION_LIFETIME_SECONDS", default: 86400, range: 60...week)
        emailsPerMinute = reader.integer("IDENTITY_EMAIL_PER_MINUTE", default: 1, range: 0...10_000)
        emailsPerHour = reader.integer("IDENTITY_EMAIL_PER_HOUR", default: 5, range: 0...100_000)
        addressRequestsPerHour = reader.integer("IDENTITY_ADDRESS_PER_HOUR", default: 30, range: 0...10_000_000)
        codeMaxGuesses = reader.integer("IDENTITY_CODE_MAX_GUESSES", default: 5, range: 1...100)
        let name = "COMMS_WIRE_ENDPOINTS"
        if let value = reader.raw(name) {
            let parsed = value.split(separator: ",", omittingEmptySubsequences: false).map {
                WireEndpoint(String($0.trimmingCharacters(in: .whitespaces)))
            }
            if parsed.contains(where: { $0 == nil }) {
                reader.record(name, .malformed, expected: "comma-separated host:port endpoints")
            } else {
                commsEndpoints = parsed.compactMap { $0 }
            }
        }
    }

    /// This configuration with ``codeKey`` derived from the service's master key (HMAC-SHA256 of a fixed
    /// label), so codes cannot be searched offline from a copy of the table alone.
    func withCodeKey(derivedFrom masterKey: [UInt8]) -> IdentityLinkConfig {
        var config = self
        config.codeKey = Secret(HMACSHA256.authenticationCode(for: "purrpurr.identity.link-codes", key: masterKey))
        return config
    }
}
