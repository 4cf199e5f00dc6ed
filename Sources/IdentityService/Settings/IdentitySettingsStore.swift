import Contracts
import Foundation
import ServiceKit
import Wire

/// Per-project identity settings. A lifetime the project never set is stored as NULL and reported as the
/// configured default (``defaults``), so `GetSettings` shows the effective values and a change of
/// `IDENTITY_*_LIFETIME_SECONDS` reaches every project that has not chosen its own.
///
/// ```swift
/// let store = IdentitySettingsStore(database: pool, schema: "identity",
///                                   defaults: .init(accessToken: config.accessTokenLifetime, links: config.links))
/// let lifetime = try await store.settings(projectID: project).magicLinkLifetime
/// ```
final class IdentitySettingsStore: Sendable {
    /// The lifetimes, seconds, of a project that has not set its own.
    struct Lifetimes: Sendable, Hashable {
        /// Access tokens (`IDENTITY_ACCESS_TOKEN_LIFETIME_SECONDS`).
        var accessToken: Int
        /// Magic links (`IDENTITY_MAGICLINK_LIFETIME_SECONDS`).
        var magicLink: Int
        /// Recovery links (`IDENTITY_RECOVERY_LIFETIME_SECONDS`).
        var recovery: Int
        /// Signup confirmations (`IDENTITY_CONFIRMATION_LIFETIME_SECONDS`).
        var confirmation: Int

        /// The built-in defaults: 3600, 900, 3600 and 86400 seconds.
        static let builtIn = Lifetimes(accessToken: 3600, magicLink: 900, recovery: 3600, confirmation: 86400)

        /// Explicit lifetimes.
        init(accessToken: Int, magicLink: Int, recovery: Int, confirmation: Int) {
            self.accessToken = accessToken
            self.magicLink = magicLink
            self.recovery = recovery
            self.confirmation = confirmation
        }

        /// The access token's default and the links' from their configuration.
        init(accessToken: Int, links: IdentityLinkConfig) {
            self.init(
                accessToken: accessToken, magicLink: links.magicLinkLifetime, recovery: links.recoveryLifetime,
                confirmation: links.confirmationLifetime)
        }
    }

    let database: PostgresPool
    let schema: String
    /// What a project gets for each lifetime it has not set.
    let defaults: Lifetimes

    /// The bounds of the access token lifetime, seconds (the upper bound also bounds key and denylist retention).
    static let accessTokenLifetimeRange = 60...86400
    /// The bounds of the one-time link lifetimes, seconds.
    static let linkLifetimeRange = 60...(7 * 86400)

    /// Creates the store over `schema`.
    init(database: PostgresPool, schema: String, defaults: Lifetimes = .builtIn) {
        self.database = database
        self.schema = schema
        self.defaults = defaults
    }

    /// The settings of a project that has none stored.
    var unset: IdentitySettings {
        IdentitySettings(
            siteURL: nil, redirectAllowList: [], confirmEmail: false, accessTokenLifetime: defaults.accessToken,
            magicLinkLifetime: defaults.magicLink, recoveryLifetime: defaults.recovery,
            confirmationLifetime: defaults.confirmation)
    }

    /// The project's effective settings: its own values, the defaults for the rest.
    func settings(projectID: String) async throws -> IdentitySettings {
        let rows = try await database.query(
            "SELECT \(Self.columns) FROM \(schema).settings WHERE project_id = $1", [projectID])
        return try rows.first.map(effective(_:)) ?? unset
    }

    /// Applies the fields that are set (atomically: concurrent updates of different fields both stick) and
    /// returns the effective result. An empty `siteURL` clears the site URL.
    /// - Throws: `VALIDATION_FAILED` naming the first field out of bounds (nothing is changed).
    func update(projectID: String, _ request: UpdateIdentitySettingsRequest) async throws -> IdentitySettings {
        if let siteURL = request.siteURL, !siteURL.isEmpty, !fileprivateIsHTTPURL(siteURL) {
            throw PublicError.validation("site_url", "The site URL must be an http or https URL.")
        }
        if let list = request.redirectAllowList, list.count > 100 || !list.allSatisfy(fileprivateIsHTTPURL) {
            throw PublicError.validation("redirect_allow_list", "Each redirect must be an http or https URL (at most 100).")
        }
        let access = try Self.check(request.accessTokenLifetime, "access_token_lifetime", Self.accessTokenLifetimeRange)
        let magic = try Self.check(request.magicLinkLifetime, "magic_link_lifetime", Self.linkLifetimeRange)
        let recovery = try Self.check(request.recoveryLifetime, "recovery_lifetime", Self.linkLifetimeRange)
        let confirmation = try Self.check(request.confirmationLifetime, "confirmation_lifetime", Self.linkLifetimeRange)
        let siteURL = request.siteURL.flatMap { $0.isEmpty ? nil : $0 }
        let rows = try await database.query("""
            INSERT INTO \(schema).settings AS s (project_id, site_url, redirect_allow_list, confirm_email,
                access_token_lifetime, magic_link_lifetime, recovery_lifetime, confirmation_lifetime, updated_at)
            VALUES ($1, $3::text, coalesce($4::jsonb, '[]'::jsonb), coalesce($5::boolean, false),
                $6::integer, $7::integer, $8::integer, $9::integer, now())
            ON CONFLICT (project_id) DO UPDATE SET
                site_url = CASE WHEN $2::boolean THEN $3::text ELSE s.site_url END,
                redirect_allow_list = coalesce($4::jsonb, s.redirect_allow_list),
                confirm_email = coalesce($5::boolean, s.confirm_email),
                access_token_lifetime = coalesce($6::integer, s.access_token_lifetime),
                magic_link_lifetime = coalesce($7::integer, s.magic_link_lifetime),
                recovery_lifetime = coalesce($8::integer, s.recovery_lifetime),
                confirmation_lifetime = coalesce($9::integer, s.confirmation_lifetime),
                updated_at = now()
            RETURNING \(Self.columns)
            """, [
                projectID, request.siteURL != nil, siteURL, request.redirectAllowList.map { PostgresJSON($0) },
                request.confirmEmail, access, magic, recovery, confirmation,
            ])
        guard let row = rows.first else { throw PostgresError(.unexpectedResult) }
        return try effective(row)
    }

    /// The columns ``effective(_:)`` reads, in order.
    private static let columns = """
        site_url, redirect_allow_list, confirm_email, access_token_lifetime, magic_link_lifetime, \
        recovery_lifetime, confirmation_lifetime
        """

    /// A stored row with the defaults filled in for its NULL lifetimes.
    private func effective(_ row: PostgresRow) throws -> IdentitySettings {
        let (siteURL, allowList, confirm, access, magic, recovery, confirmation) =
            try row.decode((String?, PostgresJSON<[String]>, Bool, Int?, Int?, Int?, Int?).self)
        return IdentitySettings(
            siteURL: siteURL, redirectAllowList: allowList.value, confirmEmail: confirm,
            accessTokenLifetime: access ?? defaults.accessToken, magicLinkLifetime: magic ?? defaults.magicLink,
            recoveryLifetime: recovery ?? defaults.recovery, confirmationLifetime: confirmation ?? defaults.confirmation)
    }

    private static func check(_ value: Int?, _ field: String, _ range: ClosedRange<Int>) throws(PublicError) -> Int? {
        guard let value else { return nil }
        guard range.contains(value) else {
            throw PublicError.validation(field, "The value must be from \(range.lowerBound) to \(range.upperBound) seconds.")
        }
        return value
    }
}

/// An absolute http(s) URL with a host.
fileprivate func fileprivateIsHTTPURL(_ text: String) -> Bool {
    guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty
    else { return false }
    return scheme == "https" || scheme == "http"
}
