import Contracts
import Foundation
import ServiceKit
import Synchronization
import Wire

/// The Router's copy of Identity's signing keys, as a ready ``JWTVerifier``: bearer tokens are verified
/// locally, with no Wire call per request.
///
/// The keys come from `identity.PublicKeys`. ``run()`` (a ``Service`` started by `main` when identity is
/// configured) loads them at start and every `refreshInterval` (5 min), retrying each second while none are
/// loaded. A token naming an unknown `kid` calls ``refresh()``: at most one fetch per `minimumInterval` (5 s),
/// single-flight (concurrent callers await the same fetch), so a flood of made-up kids costs Identity at
/// most one call per 5 s. Reads on the hot path take a `Mutex` only long enough to copy the verifier.
///
/// ```swift
/// let cache = IdentityKeyCache(services: directory, logger: logger)
/// let verifier = cache.current ?? await cache.refresh()
/// ```
final class IdentityKeyCache: Service {
    /// Fetches the current key set (one Wire call to Identity).
    typealias Fetch = @Sendable () async throws -> SigningKeySet

    private struct State {
        var verifier: JWTVerifier?
        /// The last fetch an unknown kid triggered (the scheduled ones do not count).
        var lastTriggered: ContinuousClock.Instant?
        var inFlight: Task<JWTVerifier?, Never>?
        var fetches = 0
    }

    private let state = Mutex(State())
    private let fetch: Fetch?
    private let logger: Logger
    /// The least time between two fetches triggered by unknown kids.
    let minimumInterval: Duration
    /// The time between two scheduled fetches.
    let refreshInterval: Duration

    /// A cache over `fetch`; nil `fetch` means identity is not configured (every bearer request is 503).
    init(
        fetch: Fetch?, logger: Logger, minimumInterval: Duration = .seconds(5), refreshInterval: Duration = .seconds(300)
    ) {
        self.fetch = fetch
        self.logger = logger
        self.minimumInterval = minimumInterval
        self.refreshInterval = refreshInterval
    }

    /// A cache fetching from the `identity` client of `services` with a 1 s deadline per call.
    convenience init(services: any ServiceDirectory, logger: Logger) {
        var fetch: Fetch?
        if let client = services.client(for: .identity) {
            let identity = IdentityContract.Client(client)
            fetch = { try await identity.publicKeys(CallContext(requestID: "router-signing-keys", deadline: .now + .seconds(1))) }
        }
        self.init(fetch: fetch, logger: logger)
    }

    /// Whether Identity is configured at all.
    var isConfigured: Bool { self.fetch != nil }

    /// The verifier of the last successful fetch, if any.
    var current: JWTVerifier? { self.state.withLock { $0.verifier } }

    /// How many fetches have started (tests, metrics).
    var fetchCount: Int { self.state.withLock { $0.fetches } }

    /// Fetches the keys, joining a fetch already in flight; without `force` (an unknown kid), only when no other
    /// such fetch started within `minimumInterval`, else it returns the current verifier at once. `force` is the
    /// scheduled refresh. Returns the verifier after the fetch: the new one, or the previous one on failure.
    @discardableResult
    func refresh(force: Bool = false) async -> JWTVerifier? {
        guard let fetch = self.fetch else { return nil }
        let interval = self.minimumInterval
        let task: Task<JWTVerifier?, Never>? = self.state.withLock { state in
            if let inFlight = state.inFlight { return inFlight }
            if !force {
                let now = ContinuousClock.now
                if let last = state.lastTriggered, now - last < interval { return nil }
                state.lastTriggered = now
            }
            state.fetches += 1
            let task = Task { await self.load(fetch) }
            state.inFlight = task
            return task
        }
        guard let task else { return self.current }
        return await task.value
    }

    private func load(_ fetch: Fetch) async -> JWTVerifier? {
        var loaded: JWTVerifier?
        do {
            loaded = Self.verifier(for: try await fetch(), now: Date())
        } catch {
            self.logger.warning("signing keys fetch failed", metadata: [.errorType: .errorType(error)])
        }
        return self.state.withLock { state in
            if let loaded { state.verifier = loaded }
            state.inFlight = nil
            return state.verifier
        }
    }

    /// The verifier for a key set: `EdDSA` keys of 32 bytes whose retirement has not passed.
    static func verifier(for set: SigningKeySet, now: Date) -> JWTVerifier {
        var keys: [String: Ed25519PublicKey] = [:]
        for key in set.keys where key.algorithm == "EdDSA" && (key.retiresAt.map { $0 > now } ?? true) {
            if let publicKey = try? Ed25519PublicKey(rawRepresentation: key.publicKey) { keys[key.kid] = publicKey }
        }
        return JWTVerifier(issuer: set.issuer, keys: keys)
    }

    /// Loads the keys now, then every `refreshInterval`; every second while none could be loaded.
    func run() async throws {
        guard self.isConfigured else { return try await gracefulShutdown() }
        while !Task.isShuttingDownGracefully {
            let loaded = await self.refresh(force: true) != nil
            // The refresh interval is minutes long: wake for a drain at once, never hold it up.
            guard await Task.sleepUnlessShuttingDown(for: loaded ? self.refreshInterval : .seconds(1)) else { return }
        }
    }
}
