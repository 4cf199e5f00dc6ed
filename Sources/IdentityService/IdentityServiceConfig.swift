import Contracts
import Foundation
import ServiceKit

/// The IdentityService's configuration, read from the environment at start (see `docs/identity.md`).
struct IdentityServiceConfig: MeshServiceConfiguration {
    /// The shared variables (`LOG_LEVEL`, `DATABASE_URL`, `DRAIN_TIMEOUT_SECONDS`, the Wire listener on the
    /// registry's port unless `WIRE_PORT` says otherwise).
    let base: MeshServiceConfig
    /// `IDENTITY_MASTER_KEY` (required): base64 of 32 bytes; seals signing-key seeds and racing-refresh
    /// successors (AES-256-GCM).
    let masterKey: Secret<[UInt8]>
    /// `IDENTITY_ISSUER` (default `purrpurr-identity`): the JWT `iss`.
    let issuer: String
    /// `IDENTITY_SCRYPT_N` (default 32768 = 2¹⁵, a power of two from 2¹⁵ to 2²⁰): scrypt's cost for new hashes.
    let scryptN: UInt64
    /// `IDENTITY_REFRESH_REUSE_GRACE_SECONDS` (default 10, 0–300): how long a spent refresh token presented
    /// again gets the same successor.
    let refreshReuseGrace: TimeInterval
    /// `IDENTITY_SIGNING_KEY_ROTATION_HOURS` (default 720, 1–8760): the age at which the signing key is replaced.
    let signingKeyRotation: TimeInterval
    /// `IDENTITY_REFRESH_TOKEN_LIFETIME_DAYS` (default 30, 1–365): how long an unused refresh token lives.
    let refreshTokenLifetime: TimeInterval
    /// `IDENTITY_ACCESS_TOKEN_LIFETIME_SECONDS` (default 3600, 60–86400): the access token lifetime of a
    /// project that has not set its own.
    let accessTokenLifetime: Int
    /// `IDENTITY_SCRYPT_QUEUE` (default 64, 1–10000): password derivations waiting or running at once; more
    /// are refused with 503 `SERVICE_UNAVAILABLE` and `Retry-After: 1`.
    let scryptQueue: Int
    /// The password flows' limits (`IDENTITY_PASSWORD_…`, `IDENTITY_SIGNUP_…`).
    let passwordLimits: PasswordLimitConfig
    /// The one-time links' variables (`Links/`).
    let links: IdentityLinkConfig
    /// Social login's variables (`IDENTITY_OAUTH_CALLBACK_URL`, `OUTBOUND_ALLOW_PRIVATE_NETWORKS`).
    let social: SocialConfig

    /// Reads and validates every variable, throwing a `ConfigurationError` naming all problems.
    init(environment: [String: String]) throws {
        var reader = EnvironmentReader(environment)
        let base = MeshServiceConfig(.identity, reading: &reader)
        let masterKey = Self.masterKey(&reader)
        let issuer = reader.string("IDENTITY_ISSUER", default: "purrpurr-identity")
        let scryptN = Self.scryptN(&reader)
        let scryptQueue = reader.integer(
            "IDENTITY_SCRYPT_QUEUE", default: PasswordHasher.defaultMaximumPending, range: 1...10_000)
        let grace = reader.integer("IDENTITY_REFRESH_REUSE_GRACE_SECONDS", default: 10, range: 0...300)
        let rotation = reader.integer("IDENTITY_SIGNING_KEY_ROTATION_HOURS", default: 720, range: 1...8760)
        let refreshDays = reader.integer("IDENTITY_REFRESH_TOKEN_LIFETIME_DAYS", default: 30, range: 1...365)
        let accessTokenLifetime = reader.integer(
            "IDENTITY_ACCESS_TOKEN_LIFETIME_SECONDS", default: 3600, range: IdentitySettingsStore.accessTokenLifetimeRange)
        let passwordLimits = PasswordLimitConfig(reading: &reader)
        let links = IdentityLinkConfig(reading: &reader)
        let social = SocialConfig(reading: &reader)
        try reader.finish()
        // The unwraps cannot fail: finish() throws whenever a required getter returned nil.
        self.base = base!
        self.masterKey = masterKey!
        self.issuer = issuer
        self.scryptN = scryptN
        self.scryptQueue = scryptQueue
        self.refreshReuseGrace = TimeInterval(grace)
        self.signingKeyRotation = TimeInterval(rotation) * 3600
        self.refreshTokenLifetime = TimeInterval(refreshDays) * 86400
        self.accessTokenLifetime = accessTokenLifetime
        self.passwordLimits = passwordLimits
        self.links = links
        self.social = social
    }

    /// `IDENTITY_MASTER_KEY`: required, standard base64 of exactly 32 bytes.
    private static func masterKey(_ reader: inout EnvironmentReader) -> Secret<[UInt8]>? {
        let expected = "the base64 of 32 random bytes (e.g. `openssl rand -base64 32`)"
        guard let text = reader.requiredString("IDENTITY_MASTER_KEY", expected: expected) else { return nil }
        guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespaces)), data.count == 32 else {
            reader.record("IDENTITY_MASTER_KEY", .malformed, expected: expected)
            return nil
        }
        return Secret(Array(data))
    }

    /// `IDENTITY_SCRYPT_N`: a power of two from 2¹⁵ to 2²⁰.
    private static func scryptN(_ reader: inout EnvironmentReader) -> UInt64 {
        let value = reader.integer("IDENTITY_SCRYPT_N", default: 1 << 15, range: (1 << 15)...(1 << 20))
        guard value & (value - 1) == 0 else {
            reader.record("IDENTITY_SCRYPT_N", .malformed, expected: "a power of two from 32768 to 1048576")
            return 1 << 15
        }
        return UInt64(value)
    }
}
