import Foundation
import ServiceKit
import Wire

/// The IdentityService's parts, wired together over one database pool: what `main.swift` builds from the
/// configuration and tests build with cheap parameters.
///
/// ```swift
/// let app = IdentityServiceApp(database: pool, schema: "identity", options: .init(config: config), logger: logger) { core in
///     LinkFlows(database: pool, schema: "identity", config: config.links, core: core, mailer: mailer, logger: logger)
/// }
/// try await app.keys.bootstrap()
/// server.register(...)  // app.register(on: server)
/// ```
final class IdentityServiceApp: Sendable {
    /// The tunables that do not come from the database.
    struct Options: Sendable {
        /// The 32-byte master key (signing-key seeds, racing-refresh successors).
        var masterKey: [UInt8]
        /// The JWT `iss`.
        var issuer: String
        /// How long a spent refresh token still yields its successor, seconds.
        var refreshReuseGrace: TimeInterval
        /// How long an unused refresh token lives, seconds.
        var refreshTokenLifetime: TimeInterval
        /// The signing key's age at rotation, seconds.
        var signingKeyRotation: TimeInterval
        /// How often a replica rereads the current signing key, seconds.
        var signingKeyReload: TimeInterval = 60
        /// Where the service reads the time.
        var clock: IdentityClock = .system
        /// The lifetimes of projects that have not set their own.
        var defaultLifetimes: IdentitySettingsStore.Lifetimes = .builtIn
        /// The password grant's limits.
        var passwordLimits = PasswordLimitConfig()
        /// Social login (callback URL, private networks, provider catalog).
        var social = SocialConfig()

        /// Options from the service's configuration.
        init(config: IdentityServiceConfig) {
            self.masterKey = config.masterKey.value
            self.issuer = config.issuer
            self.refreshReuseGrace = config.refreshReuseGrace
            self.refreshTokenLifetime = config.refreshTokenLifetime
            self.signingKeyRotation = config.signingKeyRotation
            self.defaultLifetimes = .init(accessToken: config.accessTokenLifetime, links: config.links)
            self.passwordLimits = config.passwordLimits
            self.social = config.social
        }

        /// Explicit options (tests).
        init(
            masterKey: [UInt8], issuer: String, refreshReuseGrace: TimeInterval, refreshTokenLifetime: TimeInterval,
            signingKeyRotation: TimeInterval, signingKeyReload: TimeInterval = 60, clock: IdentityClock = .system,
            defaultLifetimes: IdentitySettingsStore.Lifetimes = .builtIn, passwordLimits: PasswordLimitConfig = .init()
        ) {
            self.masterKey = masterKey
            self.issuer = issuer
            self.refreshReuseGrace = refreshReuseGrace
            self.refreshTokenLifetime = refreshTokenLifetime
            self.signingKeyRotation = signingKeyRotation
            self.signingKeyReload = signingKeyReload
            self.clock = clock
            self.defaultLifetimes = defaultLifetimes
            self.passwordLimits = passwordLimits
        }
    }

    let core: IdentityCore
    let passwords: PasswordHasher
    let keys: SigningKeyRing
    let revoker: SessionRevoker
    let rotation: RefreshRotation
    let accounts: UserAccounts
    let admin: UserAdmin
    let links: any IdentityLinkFlows
    let mfa: MFAFlows
    let social: SocialFlows
    let issuer: String
    let logger: Logger
    /// Hands `auth.user.created` events to Comms (nil: none configured; events wait in the table).
    let events: EventOutbox?

    /// Builds every part; `makeLinks` receives the core to build the one-time link flows on.
    init(
        database: PostgresPool, schema: String, options: Options, passwords: PasswordHasher, logger: Logger,
        events: EventOutbox? = nil, makeLinks: (IdentityCore) -> any IdentityLinkFlows
    ) {
        let clock = options.clock
        let settings = IdentitySettingsStore(database: database, schema: schema, defaults: options.defaultLifetimes)
        let keys = SigningKeyRing(
            database: database, schema: schema, masterKey: options.masterKey,
            rotationInterval: options.signingKeyRotation, reloadInterval: options.signingKeyReload, clock: clock)
        let sessions = SessionIssuer(
            database: database, schema: schema, keys: keys, settings: settings, issuer: options.issuer,
            refreshLifetime: options.refreshTokenLifetime, clock: clock)
        let audit = AuditLog(database: database, schema: schema, logger: logger)
        let core = IdentityCore(
            users: UserStore(database: database, schema: schema, passwords: passwords), sessions: sessions,
            audit: audit, settings: settings)
        let revoker = SessionRevoker(database: database, schema: schema, clock: clock)
        let links = makeLinks(core)
        self.core = core
        self.passwords = passwords
        self.keys = keys
        self.revoker = revoker
        self.rotation = RefreshRotation(
            database: database, schema: schema, issuer: sessions, revoker: revoker, audit: audit,
            masterKey: options.masterKey, grace: options.refreshReuseGrace)
        self.accounts = UserAccounts(
            core: core, passwords: passwords, revoker: revoker, links: links,
            limits: PasswordGrantLimiter(database: database, schema: schema, config: options.passwordLimits),
            signupLimits: SignupLimiter(
                database: database, schema: schema, perAddressPerHour: options.passwordLimits.signupsPerAddressPerHour,
                perEmailPerHour: options.passwordLimits.signupsPerEmailPerHour))
        self.admin = UserAdmin(core: core, revoker: revoker)
        self.mfa = MFAFlows(
            core: core, factors: MFAFactorStore(database: database, schema: schema, masterKey: options.masterKey))
        let policy = OutboundPolicy(allowedPorts: OutboundPolicy.anyPort, allowsPrivateNetworks: options.social.allowsPrivateNetworks)
        self.social = SocialFlows(
            core: core, providers: ProviderStore(database: database, schema: schema, masterKey: options.masterKey),
            flows: OAuthFlowStore(database: database, schema: schema), links: IdentityLinks(core: core, revoker: revoker),
            http: ProviderHTTP(client: try? GuardedHTTPClient(group: ServiceContext.sharedEventLoopGroup(), policy: policy)),
            masterKey: options.masterKey, config: options.social, logger: logger)
        self.links = links
        self.issuer = options.issuer
        self.logger = logger
        self.events = events
    }

    /// The housekeeping loop (key rotation, pruning), to run beside the Wire server.
    func housekeeping(interval: Duration = .seconds(60)) -> IdentityHousekeeping {
        IdentityHousekeeping(app: self, interval: interval)
    }

    /// The service that, on a graceful stop, waits for the emails sent after answering (list it before the
    /// Wire server: see ``LinkEmailDrain``).
    func emailDrain() -> LinkEmailDrain {
        LinkEmailDrain(links: links)
    }

    /// What the executable runs around its Wire server: the pending emails (``emailDrain()``) before it, so
    /// they drain after the calls in flight that queue them; housekeeping after it, so it stops first.
    func meshParts() -> MeshServiceParts {
        // The event outbox runs before the Wire server too: events committed by the last calls are handed on.
        MeshServiceParts(beforeWire: [emailDrain()] + (events.map { [$0] } ?? []), afterWire: [housekeeping()]) {
            self.register(on: $0)
        }
    }
}
