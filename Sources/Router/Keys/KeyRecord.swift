import Foundation

/// What the Router knows about one API key: a row of the key table, mirrored in memory by ``KeyRegistry``.
///
/// `description` leaves out the hash.
struct KeyRecord: Sendable, Hashable, CustomStringConvertible {
    /// Whether a key may be used at a given time.
    enum Status: Sendable, Hashable {
        /// Neither revoked nor past its expiry.
        case active
        /// Past `expiresAt` (for a rotated key: the grace period is over).
        case expired
        /// Revoked at or before the time asked about.
        case revoked
    }

    /// The public key id (also inside the key text).
    var id: String
    /// The project the key belongs to; the only source of a request's project id.
    var projectID: String
    /// Publishable or secret.
    var kind: APIKey.Kind
    /// HMAC-SHA256(pepper, secret part).
    var hash: [UInt8]
    /// When the key was minted.
    var createdAt: Date
    /// When the key stops working (set by rotation: the old key's grace period), or nil for never.
    var expiresAt: Date?
    /// When the key was revoked, or nil.
    var revokedAt: Date?

    /// Creates a record.
    init(
        id: String, projectID: String, kind: APIKey.Kind, hash: [UInt8], createdAt: Date,
        expiresAt: Date? = nil, revokedAt: Date? = nil
    ) {
        self.id = id
        self.projectID = projectID
        self.kind = kind
        self.hash = hash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }

    /// `ppk_<id>` / `psk_<id>`, for lists.
    var prefix: String { APIKey.prefix(kind: kind, id: id) }

    /// The key's status at `now`. Revocation wins over expiry; a key expires at `expiresAt` exactly.
    func status(at now: Date) -> Status {
        if let revokedAt, revokedAt <= now { return .revoked }
        if let expiresAt, expiresAt <= now { return .expired }
        return .active
    }

    /// Everything but the hash.
    var description: String {
        "KeyRecord(id: \(id), projectID: \(projectID), kind: \(kind.rawValue), createdAt: \(createdAt), "
            + "expiresAt: \(expiresAt.map { "\($0)" } ?? "nil"), revokedAt: \(revokedAt.map { "\($0)" } ?? "nil"))"
    }
}
