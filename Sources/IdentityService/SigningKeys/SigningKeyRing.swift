import Contracts
import Foundation
import ServiceKit
import Synchronization
import Wire

/// The mesh-wide Ed25519 signing keys: the newest (current) key signs; retired keys stay published until
/// every token they may have signed has expired.
///
/// Seeds are stored sealed (AES-256-GCM under `IDENTITY_MASTER_KEY`, the `kid` as associated data). A
/// partial unique index allows one current key, so replicas that start or rotate together agree. Each
/// replica caches the current key and reloads it every ``reloadInterval``, so after a rotation every
/// replica signs with the new key within that interval.
///
/// ```swift
/// try await ring.bootstrap()                 // at start: creates the first key if there is none
/// let jwt = try await ring.sign(claims)
/// _ = try await ring.rotateIfDue()           // housekeeping
/// ```
final class SigningKeyRing: Sendable {
    /// The key that signs.
    struct CurrentKey: Sendable {
        let kid: String
        let privateKey: Ed25519PrivateKey
        let loadedAt: Date
    }

    let database: PostgresPool
    let schema: String
    private let masterKey: [UInt8]
    /// A key older than this is replaced.
    let rotationInterval: TimeInterval
    /// How long a retired key stays published: the longest access token lifetime plus one reload interval
    /// (a replica may sign with the old key until it reloads).
    let retention: TimeInterval
    /// How often a replica rereads the current key.
    let reloadInterval: TimeInterval
    let clock: IdentityClock
    private let current = Mutex<CurrentKey?>(nil)
    /// The published set, served from memory for up to ``publishedCacheInterval`` (Routers ask for it on every
    /// `GET /v1/auth/jwks` and whenever they meet an unknown `kid`), with its Wire encoding so that calls are
    /// answered without encoding it again.
    private let published = Mutex<PublishedKeys?>(nil)

    /// The published set as last read, and its Wire encoding.
    private struct PublishedKeys: Sendable {
        let keys: SigningKeySet
        let encoded: EncodedResponse<SigningKeySet>
        let loadedAt: Date
    }
    /// How long the published set is served from memory; a rotation in this replica clears it at once, one in
    /// another replica shows within this interval.
    let publishedCacheInterval: TimeInterval = 1

    /// Creates the ring; `masterKey` must be 32 bytes.
    init(
        database: PostgresPool, schema: String, masterKey: [UInt8], rotationInterval: TimeInterval,
        maximumTokenLifetime: TimeInterval = TimeInterval(IdentitySettingsStore.accessTokenLifetimeRange.upperBound),
        reloadInterval: TimeInterval = 60, clock: IdentityClock
    ) {
        self.database = database
        self.schema = schema
        self.masterKey = masterKey
        self.rotationInterval = rotationInterval
        self.retention = maximumTokenLifetime + 2 * reloadInterval
        self.reloadInterval = reloadInterval
        self.clock = clock
    }

    /// Creates the first key when there is no current one (a racing replica's insert wins harmlessly),
    /// then loads the current key.
    func bootstrap() async throws {
        try await insertKey(now: clock.now(), into: database)
        _ = try await reload()
    }

    /// Signs `claims` with the current key (rereading it when the cache is older than ``reloadInterval``).
    func sign(_ claims: JWTClaims) async throws -> String {
        let key = try await currentKey()
        return try JWTSigner(kid: key.kid, privateKey: key.privateKey).sign(claims)
    }

    /// The current key, from the cache while it is fresh.
    func currentKey() async throws -> CurrentKey {
        let now = clock.now()
        if let cached = current.withLock({ $0 }), now.timeIntervalSince(cached.loadedAt) < reloadInterval,
            now >= cached.loadedAt
        {
            return cached
        }
        return try await reload()
    }

    /// Rereads the current key from the database (creating one if none exists).
    @discardableResult
    func reload() async throws -> CurrentKey {
        for _ in 0..<2 {
            let rows = try await database.query(
                "SELECT kid, sealed_seed FROM \(schema).signing_keys WHERE retired_at IS NULL", [])
            if let row = rows.first {
                let (kid, sealed) = try row.decode((String, [UInt8]).self)
                let seed = try AES256GCM.open(sealed, key: masterKey, authenticating: Array(kid.utf8))
                let key = CurrentKey(kid: kid, privateKey: try Ed25519PrivateKey(rawRepresentation: seed), loadedAt: clock.now())
                current.withLock { $0 = key }
                published.withLock { $0 = nil }
                return key
            }
            try await insertKey(now: clock.now(), into: database)
        }
        throw WireError(.unavailable, "No signing key is available.")
    }

    /// Retires the current key and creates a new one when the current key is older than
    /// ``rotationInterval``; returns whether it rotated. Safe when replicas race: the row lock lets one win.
    @discardableResult
    func rotateIfDue() async throws -> Bool {
        let now = clock.now()
        let rotated = try await database.withTransaction { tx -> Bool in
            let retired = try await tx.execute("""
                UPDATE \(schema).signing_keys SET retired_at = $1
                WHERE retired_at IS NULL AND created_at <= $2
                """, [now, now.addingTimeInterval(-rotationInterval)])
            guard retired > 0 else { return false }
            try await insertKey(now: now, into: tx)
            return true
        }
        if rotated { _ = try await reload() }
        return rotated
    }

    /// The current key first, then retired keys still within ``retention``.
    func publicKeys(issuer: String) async throws -> SigningKeySet {
        try await publishedKeys(issuer: issuer).keys
    }

    /// ``publicKeys(issuer:)`` already encoded for a Wire response (`IdentityContract.publicKeys`).
    func encodedPublicKeys(issuer: String) async throws -> EncodedResponse<SigningKeySet> {
        try await publishedKeys(issuer: issuer).encoded
    }

    /// ``encodedPublicKeys(issuer:)`` if the published set is in memory and fresh, else nil (no I/O: Wire asks
    /// this on the connection's loop and answers at once).
    func cachedEncodedPublicKeys(issuer: String) -> EncodedResponse<SigningKeySet>? {
        freshPublishedKeys(issuer: issuer, now: clock.now())?.encoded
    }

    /// The published set, from memory for up to ``publishedCacheInterval``.
    private func publishedKeys(issuer: String) async throws -> PublishedKeys {
        let now = clock.now()
        if let cached = freshPublishedKeys(issuer: issuer, now: now) { return cached }
        let rows = try await database.query("""
            SELECT kid, public_key, retired_at FROM \(schema).signing_keys
            WHERE retired_at IS NULL OR retired_at > $1
            ORDER BY retired_at DESC NULLS FIRST, created_at DESC
            """, [now.addingTimeInterval(-retention)])
        let keys = try rows.map { row in
            let (kid, publicKey, retiredAt) = try row.decode((String, [UInt8], Date?).self)
            return PublicSigningKey(
                kid: kid, algorithm: "EdDSA", publicKey: publicKey,
                retiresAt: retiredAt.map { $0.addingTimeInterval(retention) })
        }
        let set = SigningKeySet(issuer: issuer, keys: keys)
        let fresh = PublishedKeys(keys: set, encoded: try EncodedResponse(set), loadedAt: now)
        published.withLock { $0 = fresh }
        return fresh
    }

    /// The published set if it is in memory and younger than ``publishedCacheInterval``.
    private func freshPublishedKeys(issuer: String, now: Date) -> PublishedKeys? {
        guard let cached = published.withLock({ $0 }), cached.keys.issuer == issuer, now >= cached.loadedAt,
              now.timeIntervalSince(cached.loadedAt) < publishedCacheInterval
        else { return nil }
        return cached
    }

    /// Deletes keys retired longer than ``retention`` ago; returns how many.
    @discardableResult
    func prune() async throws -> Int {
        try await database.execute(
            "DELETE FROM \(schema).signing_keys WHERE retired_at < $1", [clock.now().addingTimeInterval(-retention)])
    }

    /// Inserts a new current key unless one exists (the partial unique index decides races).
    private func insertKey(now: Date, into client: some PostgresClient) async throws {
        let key = Ed25519PrivateKey()
        let kid = RandomIdentifier.make("key")
        let sealed = try AES256GCM.seal(key.rawRepresentation, key: masterKey, authenticating: Array(kid.utf8))
        try await client.execute("""
            INSERT INTO \(schema).signing_keys (kid, sealed_seed, public_key, created_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT DO NOTHING
            """, [kid, sealed, key.publicKey.rawRepresentation, now])
    }
}
