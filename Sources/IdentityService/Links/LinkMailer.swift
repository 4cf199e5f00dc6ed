import Wire

/// Sends the one-time link emails. Production uses ``CommsLinkMailer``; tests record the calls.
///
/// `data` holds the template's variables (`link`, `code`, `email`, `expires_minutes`): it carries the
/// one-time secrets, so an implementation must never log it. `idempotencyKey` is the token's row id, so a
/// retried call never sends a second email.
protocol LinkMailer: Sendable {
    /// Sends the template `template` (e.g. `identity.magiclink`) to `to`.
    func send(
        template: String, to: String, data: [String: String], idempotencyKey: String, context: CallContext
    ) async throws
}
