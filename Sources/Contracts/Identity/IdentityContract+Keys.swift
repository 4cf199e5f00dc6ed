import Wire
import Foundation

/// The signing keys a Router verifies access tokens with.
public struct SigningKeySet: Codable, Sendable, Hashable {
    /// The JWT `iss` Identity signs with.
    public var issuer: String
    /// The current key first, then previous keys whose tokens may still be live.
    public var keys: [PublicSigningKey]

    /// Creates a set.
    public init(issuer: String, keys: [PublicSigningKey]) {
        self.issuer = issuer
        self.keys = keys
    }
}

/// One public signing key.
public struct PublicSigningKey: Codable, Sendable, Hashable {
    /// The JWT `kid`.
    public var kid: String
    /// The JWS `alg` (`EdDSA`).
    public var algorithm: String
    /// The raw public key (32 bytes for Ed25519).
    public var publicKey: [UInt8]
    /// After this, no live token can carry this key's signature (nil for the current key).
    public var retiresAt: Date?

    /// Creates a key.
    public init(kid: String, algorithm: String, publicKey: [UInt8], retiresAt: Date?) {
        self.kid = kid
        self.algorithm = algorithm
        self.publicKey = publicKey
        self.retiresAt = retiresAt
    }
}

/// `identity.RevokedSessions`'s request: revocations after `cursor` (0: all whose tokens may still be live).
public struct RevokedSessionsRequest: Codable, Sendable, Hashable {
    /// The `cursor` of the previous answer, or 0.
    public var cursor: Int64

    /// Creates a request.
    public init(cursor: Int64) { self.cursor = cursor }
}

/// Sessions revoked since the cursor.
public struct RevokedSessionsResponse: Codable, Sendable, Hashable {
    /// The revoked sessions.
    public var sessions: [RevokedSession]
    /// The cursor for the next request.
    public var cursor: Int64

    /// Creates a response.
    public init(sessions: [RevokedSession], cursor: Int64) {
        self.sessions = sessions
        self.cursor = cursor
    }
}

/// A revoked session and how long its access tokens could still be presented.
public struct RevokedSession: Codable, Sendable, Hashable {
    /// The session id (JWT `sid`).
    public var sessionID: String
    /// After this every token of the session has expired, so the entry can be dropped.
    public var until: Date

    /// Creates an entry.
    public init(sessionID: String, until: Date) {
        self.sessionID = sessionID
        self.until = until
    }
}

/// A project's identity settings.
public struct IdentitySettings: Codable, Sendable, Hashable {
    /// Where links lead by default (e.g. `https://app.example.com/auth/callback`).
    public var siteURL: String?
    /// The allowed `redirect_to` URLs: a redirect matches an entry exactly, or an entry ending in `/` as a
    /// prefix with the same scheme and host (no open redirect).
    public var redirectAllowList: [String]
    /// Whether signups must confirm their email before a session (default false).
    public var confirmEmail: Bool
    /// Access token lifetime, seconds (default 3600).
    public var accessTokenLifetime: Int
    /// Magic link lifetime, seconds (default 900).
    public var magicLinkLifetime: Int
    /// Recovery lifetime, seconds (default 3600).
    public var recoveryLifetime: Int
    /// Signup confirmation lifetime, seconds (default 86400).
    public var confirmationLifetime: Int

    /// Creates settings.
    public init(
        siteURL: String?, redirectAllowList: [String], confirmEmail: Bool, accessTokenLifetime: Int,
        magicLinkLifetime: Int, recoveryLifetime: Int, confirmationLifetime: Int
    ) {
        self.siteURL = siteURL
        self.redirectAllowList = redirectAllowList
        self.confirmEmail = confirmEmail
        self.accessTokenLifetime = accessTokenLifetime
        self.magicLinkLifetime = magicLinkLifetime
        self.recoveryLifetime = recoveryLifetime
        self.confirmationLifetime = confirmationLifetime
    }
}

/// `identity.UpdateSettings`'s request: nil keeps a field.
public struct UpdateIdentitySettingsRequest: Codable, Sendable, Hashable {
    /// The site URL.
    public var siteURL: String?
    /// The redirect allow-list.
    public var redirectAllowList: [String]?
    /// Whether signups must confirm.
    public var confirmEmail: Bool?
    /// Access token lifetime, seconds (60–86400).
    public var accessTokenLifetime: Int?
    /// Magic link lifetime, seconds.
    public var magicLinkLifetime: Int?
    /// Recovery lifetime, seconds.
    public var recoveryLifetime: Int?
    /// Signup confirmation lifetime, seconds.
    public var confirmationLifetime: Int?

    /// Creates a request.
    public init(
        siteURL: String? = nil, redirectAllowList: [String]? = nil, confirmEmail: Bool? = nil,
        accessTokenLifetime: Int? = nil, magicLinkLifetime: Int? = nil, recoveryLifetime: Int? = nil,
        confirmationLifetime: Int? = nil
    ) {
        self.siteURL = siteURL
        self.redirectAllowList = redirectAllowList
        self.confirmEmail = confirmEmail
        self.accessTokenLifetime = accessTokenLifetime
        self.magicLinkLifetime = magicLinkLifetime
        self.recoveryLifetime = recoveryLifetime
        self.confirmationLifetime = confirmationLifetime
    }
}
