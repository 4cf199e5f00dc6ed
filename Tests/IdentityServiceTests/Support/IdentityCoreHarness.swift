import Contracts
import Foundation
import Synchronization
import Testing
import Wire
@testable import IdentityService
@testable import ServiceKit

/// One IdentityService core over its own schema of the throwaway PostgreSQL (`PURRPURR_TEST_DATABASE_URL`),
/// with cheap scrypt parameters, a manual clock and a recording fake of the link flows. Call ``close()``
/// at the end: it drops the schema and closes the pool.
final class IdentityCoreHarness: Sendable {
    static let databaseURL = ProcessInfo.processInfo.environment["PURRPURR_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static var isAvailable: Bool { databaseURL != nil }
    /// Cheap scrypt for tests (production never goes below 2¹⁵).
    static let cheap = PasswordHash.Parameters(n: 1 << 10, r: 8, p: 1)

    let pool: PostgresPool
    let schema: String
    let app: IdentityServiceApp
    let links: CoreTestLinkFlows
    let logs: InMemoryLogHandler
    let advance: @Sendable (TimeInterval) -> Void
    let masterKey: [UInt8]

    /// Builds the harness; `schema` reuses another harness's tables (a second replica or new parameters).
    init(
        schema: String? = nil, parameters: PasswordHash.Parameters = cheap, grace: TimeInterval = 10,
        rotation: TimeInterval = 720 * 3600, masterKey: [UInt8]? = nil, maxConnections: Int = 8,
        passwordLimits: PasswordLimitConfig = .init(), lifetimes: IdentitySettingsStore.Lifetimes = .builtIn,
        social: SocialConfig = SocialConfig()
    ) async throws {
        var configuration = try PostgresConfiguration(url: Self.databaseURL ?? "")
        configuration.maxConnections = maxConnections
        configuration.connectTimeout = .seconds(5)
        let pool = PostgresPool(configuration: configuration)
        let schema = schema ?? "idc_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        try await Migrator(schema: schema, migrations: IdentityServiceMigrations.steps(schema: schema)).migrate(on: pool)
        let (clock, advance) = IdentityClock.manual()
        let masterKey = masterKey ?? SecureRandom.bytes(32)
        let logs = InMemoryLogHandler()
        let links = CoreTestLinkFlows()
        var options = IdentityServiceApp.Options(
            masterKey: masterKey, issuer: "test-issuer", refreshReuseGrace: grace, refreshTokenLifetime: 30 * 86400,
            signingKeyRotation: rotation, clock: clock, defaultLifetimes: lifetimes, passwordLimits: passwordLimits)
        options.social = social
        self.app = IdentityServiceApp(
            database: pool, schema: schema, options: options,
            passwords: PasswordHasher(uncheckedParameters: parameters, concurrency: 2),
            logger: Logger(handler: logs, level: .debug)) { _ in links }
        self.pool = pool
        self.schema = schema
        self.links = links
        self.logs = logs
        self.advance = advance
        self.masterKey = masterKey
        try await app.keys.bootstrap()
    }

    /// Runs `body` with a fresh harness and always closes it.
    static func with(
        grace: TimeInterval = 10, rotation: TimeInterval = 720 * 3600, passwordLimits: PasswordLimitConfig = .init(),
        lifetimes: IdentitySettingsStore.Lifetimes = .builtIn, _ body: (IdentityCoreHarness) async throws -> Void
    ) async throws {
        let harness = try await IdentityCoreHarness(
            grace: grace, rotation: rotation, passwordLimits: passwordLimits, lifetimes: lifetimes)
        do {
            try await body(harness)
        } catch {
            await harness.close()
            throw error
        }
        await harness.close()
    }

    /// Drops the schema (unless `keepSchema`) and closes the pool.
    func close(keepSchema: Bool = false) async {
        if !keepSchema { _ = try? await pool.execute("DROP SCHEMA \(schema) CASCADE") }
        await pool.close()
    }

    /// A context for `project` (and a signed-in session, if given).
    func context(_ project: String, session: SessionView? = nil, address: String? = "203.0.113.7") throws -> CallContext {
        var context = CallContext(requestID: "req-" + UUID().uuidString, projectID: project, clientAddress: address)
        if let session {
            context.subject = try Self.unverifiedClaim(session.accessToken, "sub")
            context.sessionID = try Self.unverifiedClaim(session.accessToken, "sid")
        }
        return context
    }

    /// Signs up `email` in `project` and returns the answer.
    func signup(_ project: String, _ email: String, password: String = "correct horse") async throws -> SignupResponse {
        try await app.accounts.signup(SignupRequest(email: email, password: password), try context(project))
    }

    /// Verifies an access token against the published keys and returns its claims.
    func decode(_ token: String, audience: String? = nil) async throws -> JWTClaims {
        let keys = try await app.keys.publicKeys(issuer: app.issuer)
        var map: [String: Ed25519PublicKey] = [:]
        for key in keys.keys { map[key.kid] = try Ed25519PublicKey(rawRepresentation: key.publicKey) }
        let audience = try audience ?? Self.unverifiedClaim(token, "aud")
        return try JWTVerifier(issuer: keys.issuer, keys: map).verify(token, audience: audience, now: app.core.sessions.clock.now())
    }

    /// The `kid` of a token's header.
    static func kid(_ token: String) throws -> String {
        let header = try #require(token.split(separator: ".").first.flatMap { Base64URL.decode($0) })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(header)) as? [String: Any])
        return try #require(object["kid"] as? String)
    }

    /// A claim read without verification (to pick the audience before verifying).
    static func unverifiedClaim(_ token: String, _ name: String) throws -> String {
        try #require(try rawClaims(token)[name] as? String)
    }

    /// The token's claims object, unverified (also to read `amr`, which the verifier does not return).
    static func rawClaims(_ token: String) throws -> [String: Any] {
        let parts = token.split(separator: ".")
        let payload = try #require(parts.count == 3 ? Base64URL.decode(parts[1]) : nil)
        return try #require(try JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any])
    }

    /// Counts rows of a table of the harness's schema matching `condition`.
    func count(_ table: String, where condition: String = "true", _ parameters: [any PostgresEncodable] = []) async throws -> Int {
        try await pool.query("SELECT count(*)::bigint FROM \(schema).\(table) WHERE \(condition)", parameters)[0].decode(Int.self, at: 0)
    }
}

/// Records what the core asks of the link flows.
final class CoreTestLinkFlows: IdentityLinkFlows {
    let confirmations = Mutex<[String]>([])

    func magicLink(_ request: EmailLinkRequest, _ context: CallContext) async throws -> Empty { Empty() }
    func recover(_ request: EmailLinkRequest, _ context: CallContext) async throws -> Empty { Empty() }
    func verify(_ request: VerifyRequest, _ context: CallContext) async throws -> SessionView {
        throw PublicError(.invalidToken, "fake")
    }
    func sendSignupConfirmation(user: UserRecord, context: CallContext) async throws {
        confirmations.withLock { $0.append(user.id) }
    }
}

/// Expects `body` to throw a ``PublicError`` with `code` and returns it.
@discardableResult
func expectPublicError(
    _ code: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
) async -> PublicError? {
    do {
        try await body()
        Issue.record("expected \(code), nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as PublicError {
        #expect(error.code.rawValue == code, "\(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected \(code), got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}
