import Contracts
import Foundation
import ServiceKit
import Wire

/// The end-user account flows: signup, password grant (`UserAccounts+PasswordGrant.swift`), and the
/// signed-in user's own record.
final class UserAccounts: Sendable {
    let core: IdentityCore
    let passwords: PasswordHasher
    let revoker: SessionRevoker
    let links: any IdentityLinkFlows
    /// The password grant's limits per email and per client address.
    let limits: PasswordGrantLimiter
    /// Signup's limits per client address and per email.
    let signupLimits: SignupLimiter

    /// Creates the flows.
    init(
        core: IdentityCore, passwords: PasswordHasher, revoker: SessionRevoker, links: any IdentityLinkFlows,
        limits: PasswordGrantLimiter, signupLimits: SignupLimiter
    ) {
        self.core = core
        self.passwords = passwords
        self.revoker = revoker
        self.links = links
        self.limits = limits
        self.signupLimits = signupLimits
    }

    var database: PostgresPool { core.users.database }
    var schema: String { core.users.schema }

    /// `identity.Signup`: a new user with a hashed password; a session unless the project requires email
    /// confirmation (then the confirmation email goes out instead).
    ///
    /// In order, each step before anything costlier: the shape (400), the limits per client address and per
    /// email (429, ``SignupLimiter``), whether the email is taken (409, without running the KDF: the 409
    /// already says the email exists, so skipping the KDF tells nothing more — `docs/threat-model.md`), then
    /// the KDF on the bounded hasher (503 when full; a cancelled call is dropped before its turn and never
    /// hashes), and the insert (a racing twin still gets 409).
    /// - Throws: `VALIDATION_FAILED` (`email`, `password`, `data`), `RATE_LIMITED` (`signup_per_address`,
    ///   `signup_per_email`), `CONFLICT` for an email already used in the project, `SERVICE_UNAVAILABLE`.
    func signup(_ request: SignupRequest, _ context: CallContext) async throws -> SignupResponse {
        let projectID = try IdentityContext.project(context)
        let email = try IdentityEmail.normalize(request.email)
        try PasswordPolicy.validate(request.password)
        let data = try UserData.validate(request.data)
        let userID = try Self.chosenUserID(request.userID)
        try await signupLimits.admit(projectID: projectID, email: email, address: context.clientAddress)
        guard try await core.users.find(projectID: projectID, email: email) == nil else {
            // Asked for (onboarding): the same work as a new signup before the answer.
            if request.equalWork { _ = try await passwords.hash(request.password) }
            throw Self.emailTaken
        }
        let settings = try await core.settings.settings(projectID: projectID)
        let hash = try await passwords.hash(request.password)
        try Task.checkCancellation()
        let created = try await database.withTransaction { tx -> UserRecord? in
            let rows = try await tx.query("""
                INSERT INTO \(schema).users (id, project_id, email, password_hash, created_at, data)
                VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT DO NOTHING
                RETURNING \(UserStore.columns)
                """, [userID, projectID, email, hash, core.sessions.clock.now(), data])
            guard let user = try rows.first.map(UserStore.record(from:)) else { return nil }
            try await UserStore.enqueueCreated(tx, schema: schema, user: user)
            return user
        }
        guard let user = created else { throw Self.emailTaken }
        await core.audit.record(projectID: projectID, action: "signup", userID: user.id, ip: context.clientAddress, detail: nil)
        if settings.confirmEmail {
            try await links.sendSignupConfirmation(user: user, context: context)
            return SignupResponse(user: user.view, session: nil)
        }
        let session = try await core.sessions.issue(for: user, method: .password, context: context)
        return SignupResponse(user: session.user, session: session)
    }

    /// The caller's chosen user id if it has the shape of ours (`usr_` and 16–40 letters or digits), else a new one.
    private static func chosenUserID(_ chosen: String?) throws(PublicError) -> String {
        guard let chosen else { return RandomIdentifier.make("usr") }
        let tail = chosen.utf8.dropFirst(4)
        guard chosen.hasPrefix("usr_"), (16...40).contains(tail.count),
              tail.allSatisfy({ (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) })
        else { throw PublicError.validation("user_id", "user_id must be usr_ and 16 to 40 letters or digits.") }
        return chosen
    }

    /// 409 `CONFLICT` (`field: "email"`): the email is already a user of the project.
    static let emailTaken = PublicError.conflict("A user with this email already exists.", field: "email")

    /// `identity.GetUser`: the user of the call's live session.
    func getUser(_ context: CallContext) async throws -> UserView {
        try await sessionUser(context).view
    }

    /// `identity.UpdateUser`: a new password and/or new data. A new password ends every other session of
    /// the user (their refresh tokens stop at once, their ids go to the Routers' denylists) and keeps the
    /// calling one; it is audited as `password_change` with `other_sessions_revoked=N`.
    func updateUser(_ request: UpdateUserRequest, _ context: CallContext) async throws -> UserView {
        let user = try await sessionUser(context)
        if let password = request.password { try PasswordPolicy.validate(password) }
        let data = try request.data.map { text throws(PublicError) in try UserData.validate(text) }
        if let password = request.password {
            let (_, _, sessionID) = try IdentityContext.session(context)
            let hash = try await passwords.hash(password)
            let revoked = try await database.withTransaction { tx -> Int in
                try await tx.execute(
                    "UPDATE \(schema).users SET password_hash = $3 WHERE project_id = $1 AND id = $2",
                    [user.projectID, user.id, hash])
                return try await revoker.revokeUser(
                    projectID: user.projectID, userID: user.id, keeping: sessionID, in: tx)
            }
            await core.audit.record(
                projectID: user.projectID, action: "password_change", userID: user.id, ip: context.clientAddress,
                detail: "other_sessions_revoked=\(revoked)")
        }
        if let data {
            try await database.execute(
                "UPDATE \(schema).users SET data = $3 WHERE project_id = $1 AND id = $2", [user.projectID, user.id, data])
        }
        guard let updated = try await core.users.find(projectID: user.projectID, id: user.id) else {
            throw IdentityContext.invalidToken
        }
        return updated.view
    }

    /// `identity.Logout`: ends the call's session (`local`) or all the user's sessions (`global`); their
    /// refresh tokens stop working at once and the Routers learn the session ids from the revocation feed.
    /// - Throws: `VALIDATION_FAILED` (`scope`), `INVALID_TOKEN` without a session in the context.
    func logout(_ request: LogoutRequest, _ context: CallContext) async throws -> Empty {
        let (projectID, userID, sessionID) = try IdentityContext.session(context)
        guard request.scope == "local" || request.scope == "global" else {
            throw PublicError.validation("scope", "The scope must be local or global.")
        }
        let revoked = try await database.withTransaction { tx -> Int in
            if request.scope == "global" {
                return try await revoker.revokeUser(projectID: projectID, userID: userID, in: tx)
            }
            let owned = try await tx.query(
                "SELECT 1 FROM \(schema).sessions WHERE project_id = $1 AND id = $2 AND user_id = $3",
                [projectID, sessionID, userID])
            guard !owned.isEmpty else { return 0 }
            return try await revoker.revokeSession(projectID: projectID, sessionID: sessionID, in: tx)
        }
        await core.audit.record(
            projectID: projectID, action: "logout", userID: userID, ip: context.clientAddress,
            detail: "\(request.scope), \(revoked) session(s)")
        return Empty()
    }

    /// The user of the call's session, provided the session is live and belongs to them.
    /// - Throws: `INVALID_TOKEN` otherwise.
    func sessionUser(_ context: CallContext) async throws -> UserRecord {
        let (projectID, userID, sessionID) = try IdentityContext.session(context)
        let columns = UserStore.columns.split(separator: ",").map { "u.\($0.trimmingCharacters(in: .whitespaces))" }
        let rows = try await database.query("""
            SELECT \(columns.joined(separator: ", ")) FROM \(schema).users u
            JOIN \(schema).sessions s ON s.user_id = u.id AND s.project_id = u.project_id
            WHERE u.project_id = $1 AND u.id = $2 AND s.id = $3 AND s.revoked_at IS NULL
            """, [projectID, userID, sessionID])
        guard let user = try rows.first.map(UserStore.record(from:)) else { throw IdentityContext.invalidToken }
        return user
    }
}
