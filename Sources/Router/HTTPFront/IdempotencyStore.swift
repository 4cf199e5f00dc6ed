import Foundation
import ServiceKit

/// The `idempotency` table: the first response to each `(scope, Idempotency-Key)` for 24 hours.
///
/// Bodies are stored sealed with AES-256-GCM under a key derived from the API-key pepper, because a create
/// response can hold a key that is shown once (the table must never hold it in clear). The request hash is
/// SHA-256 of method, path and body.
struct IdempotencyStore: Sendable {
    /// How long a key is remembered.
    static let retention: TimeInterval = 86_400
    /// The longest `Idempotency-Key` accepted.
    static let maximumKeyLength = 255

    /// A stored first response.
    struct Stored: Sendable {
        /// The hash of the first request.
        let requestHash: [UInt8]
        /// Its status.
        let status: Int
        /// Its body (opened).
        let body: [UInt8]
    }

    /// The pool.
    let database: PostgresPool
    /// The schema holding the table.
    let schema: String
    /// The sealing key (32 bytes).
    let sealingKey: [UInt8]

    /// Creates a store sealing bodies under a key derived from `pepper`.
    init(database: PostgresPool, schema: String, pepper: APIKeyPepper) {
        self.database = database
        self.schema = schema
        self.sealingKey = HMACSHA256.authenticationCode(for: "router.idempotency.v1", key: pepper.bytes)
    }

    /// The request hash of `method path body`.
    static func requestHash(method: String, path: String, body: [UInt8]) -> [UInt8] {
        SHA256.hash(Array("\(method) \(path)\n".utf8) + body)
    }

    /// The response stored for `(scope, key)` within the retention, or nil.
    func lookUp(scope: String, key: String, now: Date) async throws -> Stored? {
        guard let row = try await database.query(
            "SELECT request_hash, status, body FROM \(schema).idempotency WHERE scope = $1 AND key = $2 AND created_at > $3",
            [scope, key, now.addingTimeInterval(-Self.retention)]
        ).first else { return nil }
        let sealed = try row.decode([UInt8].self, at: 2)
        let body = try AES256GCM.open(sealed, key: sealingKey, authenticating: Array("\(scope)\n\(key)".utf8))
        return Stored(requestHash: try row.decode([UInt8].self, at: 0), status: try row.decode(Int.self, at: 1), body: body)
    }

    /// Stores the first response (an expired row of the same key is replaced; a concurrent first writer wins).
    func save(scope: String, key: String, requestHash: [UInt8], status: Int, body: [UInt8], now: Date) async throws {
        let sealed = try AES256GCM.seal(body, key: sealingKey, authenticating: Array("\(scope)\n\(key)".utf8))
        try await database.execute(
            """
            INSERT INTO \(schema).idempotency (scope, key, request_hash, status, body, created_at)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (scope, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, status = EXCLUDED.status,
              body = EXCLUDED.body, created_at = EXCLUDED.created_at
            WHERE \(schema).idempotency.created_at <= $7
            """, [scope, key, requestHash, status, sealed, now, now.addingTimeInterval(-Self.retention)])
    }

    /// Deletes rows past the retention; returns how many.
    @discardableResult
    func prune(now: Date) async throws -> Int {
        try await database.execute(
            "DELETE FROM \(schema).idempotency WHERE created_at <= $1", [now.addingTimeInterval(-Self.retention)])
    }
}
