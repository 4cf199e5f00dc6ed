import ServiceKit

/// The seams one-time flows (`Links/`) and the handlers need from the core: users, session issuing, the
/// audit log and per-project settings.
///
/// ```swift
/// let user = try await core.users.find(projectID: project, email: email)
/// let session = try await core.sessions.issue(for: user, method: .password, context: context)
/// await core.audit.record(projectID: project, action: "login", userID: user.id, ip: context.clientAddress, detail: nil)
/// ```
final class IdentityCore: Sendable {
    /// The users of every project.
    let users: UserStore
    /// Starts sessions (refresh token + access token).
    let sessions: SessionIssuer
    /// The per-project audit log of auth events.
    let audit: AuditLog
    /// Per-project identity settings.
    let settings: IdentitySettingsStore

    /// Bundles the stores.
    init(users: UserStore, sessions: SessionIssuer, audit: AuditLog, settings: IdentitySettingsStore) {
        self.users = users
        self.sessions = sessions
        self.audit = audit
        self.settings = settings
    }
}
