import Contracts
import Foundation
import ServiceKit
import Wire

/// The `identities` table: a provider's user (provider, provider user id) linked to one user of the project.
///
/// Linking rules (``resolve(_:projectID:now:)``): a known identity signs its user in; otherwise an email the
/// provider marks verified links to the project's user with that email (or creates a confirmed user); an
/// unverified email never links — it creates a new (unconfirmed) user when the email is free, and fails with
/// `email_not_verified` when a user already has it.
final class IdentityLinks: Sendable {
    let core: IdentityCore
    let revoker: SessionRevoker

    /// What a provider said about its user.
    struct ProviderUser: Sendable {
        let provider: SocialProvider
        /// The ID token's `iss` (nil for GitHub): an identity matches only under the issuer it was linked with,
        /// so a project pointing `oidc` at another issuer cannot sign anyone into an old identity by `sub`.
        var issuer: String? = nil
        let id: String
        let email: String?
        let emailVerified: Bool
    }

    /// The outcome of a resolution.
    enum Outcome: Sendable {
        /// The user signs in; `action` is what happened (`login`, `identity_linked`, `signup`).
        case user(UserRecord, action: String)
        /// The sign-in ends with this `error=` code.
        case refused(String)
    }

    init(core: IdentityCore, revoker: SessionRevoker) {
        self.core = core
        self.revoker = revoker
    }

    var database: PostgresPool { core.users.database }
    var schema: String { core.users.schema }

    /// Finds or creates the user of `identity` by the rules above, all in one transaction (the user row locked
    /// when one is linked, so a concurrent sign-in cannot link twice).
    func resolve(_ identity: ProviderUser, projectID: String, now: Date) async throws -> Outcome {
        try await database.withTransaction { tx -> Outcome in
            if let userID = try await tx.query("""
                UPDATE \(schema).identities SET last_sign_in_at = $4, email = coalesce($5, email)
                WHERE project_id = $1 AND provider = $2 AND provider_user_id = $3 AND issuer IS NOT DISTINCT FROM $6
                RETURNING user_id
                """, [projectID, identity.provider.rawValue, identity.id, now, identity.email, identity.issuer]).first?.decode(String.self, at: 0),
               let user = try await Self.user(projectID: projectID, id: userID, in: tx, schema: schema) {
                return .user(user, action: "login")
            }
            guard let raw = identity.email, let email = try? IdentityEmail.normalize(raw) else {
                return .refused("email_missing")
            }
            let existing = try await tx.query(
                "SELECT \(UserStore.columns) FROM \(schema).users WHERE project_id = $1 AND email = $2 FOR UPDATE",
                [projectID, email]).first.map(UserStore.record(from:))
            if var user = existing {
                guard identity.emailVerified else { return .refused("email_not_verified") }
                if user.emailConfirmedAt == nil {
                    // The verified owner of the address wins over an unconfirmed account: its password may have been
                    // set by someone else (pre-registration), so it is removed and its sessions end.
                    try await tx.execute("""
                        UPDATE \(schema).users SET email_confirmed_at = $3, password_hash = NULL
                        WHERE project_id = $1 AND id = $2
                        """, [projectID, user.id, now])
                    _ = try await revoker.revokeUser(projectID: projectID, userID: user.id, in: tx)
                    user.emailConfirmedAt = now
                }
                guard try await insert(identity, email: email, userID: user.id, projectID: projectID, now: now, in: tx) else {
                    return .refused("identity_conflict")
                }
                return .user(user, action: "identity_linked")
            }
            let rows = try await tx.query("""
                INSERT INTO \(schema).users (id, project_id, email, email_confirmed_at, created_at)
                VALUES ($1, $2, $3, $4, $5) ON CONFLICT (project_id, email) DO NOTHING
                RETURNING \(UserStore.columns)
                """, [RandomIdentifier.make("usr"), projectID, email, identity.emailVerified ? now : nil, now])
            guard let user = try rows.first.map(UserStore.record(from:)) else { return .refused("identity_conflict") }
            _ = try await insert(identity, email: email, userID: user.id, projectID: projectID, now: now, in: tx)
            try await UserStore.enqueueCreated(tx, schema: schema, user: user)
            return .user(user, action: "signup")
        }
    }

    private func insert(
        _ identity: ProviderUser, email: String, userID: String, projectID: String, now: Date, in tx: PostgresTransaction
    ) async throws -> Bool {
        try await tx.execute("""
            INSERT INTO \(schema).identities
                (project_id, provider, provider_user_id, user_id, issuer, email, created_at, last_sign_in_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT DO NOTHING
            """, [projectID, identity.provider.rawValue, identity.id, userID, identity.issuer, email, now]) == 1
    }

    private static func user(projectID: String, id: String, in tx: PostgresTransaction, schema: String) async throws -> UserRecord? {
        try await tx.query(
            "SELECT \(UserStore.columns) FROM \(schema).users WHERE project_id = $1 AND id = $2", [projectID, id]
        ).first.map(UserStore.record(from:))
    }

    /// The identities of the call's user, oldest first.
    func list(_ context: CallContext) async throws -> Page<IdentityView> {
        let (projectID, userID, _) = try IdentityContext.session(context)
        let rows = try await database.query("""
            SELECT provider, provider_user_id, email, created_at FROM \(schema).identities
            WHERE project_id = $1 AND user_id = $2 ORDER BY created_at, provider
            """, [projectID, userID])
        return Page(data: try rows.map { row in
            let (provider, id, email, created) = try row.decode((String, String, String?, Date).self)
            return IdentityView(provider: provider, providerUserID: id, email: email, createdAt: created)
        }, nextCursor: nil)
    }

    /// Unlinks the call's user's identity of `provider`: 404 when there is none, 409 `CONFLICT` when it is the
    /// user's last way to sign in (no password and no other identity; magic links do not count).
    func unlink(_ request: ProviderRequest, _ context: CallContext) async throws -> Empty {
        let (projectID, userID, _) = try IdentityContext.session(context)
        try await database.withTransaction { tx in
            guard let row = try await tx.query(
                "SELECT password_hash IS NOT NULL FROM \(schema).users WHERE project_id = $1 AND id = $2 FOR UPDATE",
                [projectID, userID]).first
            else { throw IdentityContext.invalidToken }
            let hasPassword = try row.decode(Bool.self, at: 0)
            let providers = try await tx.query(
                "SELECT provider FROM \(schema).identities WHERE project_id = $1 AND user_id = $2", [projectID, userID]
            ).map { try $0.decode(String.self, at: 0) }
            guard providers.contains(request.provider) else { throw PublicError.notFound("The user has no such identity.") }
            guard hasPassword || providers.count > 1 else {
                throw PublicError.conflict("This is the user's last way to sign in: set a password or link another provider first.")
            }
            try await tx.execute(
                "DELETE FROM \(schema).identities WHERE project_id = $1 AND user_id = $2 AND provider = $3",
                [projectID, userID, request.provider])
        }
        await core.audit.record(
            projectID: projectID, action: "identity_unlinked", userID: userID, ip: context.clientAddress, detail: request.provider)
        return Empty()
    }
}
