import Contracts
import Wire

/// What the core's handlers need from the one-time link flows (`Links/LinkFlows` in production; a fake in
/// tests of the core).
protocol IdentityLinkFlows: Sendable {
    /// `identity.MagicLink`.
    func magicLink(_ request: EmailLinkRequest, _ context: CallContext) async throws -> Empty
    /// `identity.Recover`.
    func recover(_ request: EmailLinkRequest, _ context: CallContext) async throws -> Empty
    /// `identity.Verify`.
    func verify(_ request: VerifyRequest, _ context: CallContext) async throws -> SessionView
    /// Emails the signup confirmation link to a new user.
    func sendSignupConfirmation(user: UserRecord, context: CallContext) async throws
    /// Waits until the emails sent after answering have been handed over; returns at once when the calling
    /// task is cancelled. The graceful stop runs it (``LinkEmailDrain``).
    func waitForPendingEmails() async
}

extension IdentityLinkFlows {
    /// Flows that send nothing after answering have nothing to wait for.
    func waitForPendingEmails() async {}
}
