import ServiceKit

/// The service that keeps the process alive on a graceful stop until the emails sent after answering
/// (recovery) have been handed to Comms, so a SIGTERM does not lose them.
///
/// Put it **before** the Wire server in the list `build` returns: services stop in reverse start order, so
/// the server first finishes its calls in flight (which may start such emails), then this waits for the
/// emails, and the database pool closes last. The group's drain timeout bounds the wait: on cancellation it
/// returns at once. ``IdentityServiceApp/services(database:wire:)`` makes that list:
///
/// ```swift
/// [database, app.emailDrain(), wire, app.housekeeping()]
/// ```
struct LinkEmailDrain: Service {
    /// The flows whose background emails are awaited.
    let links: any IdentityLinkFlows

    /// Waits for the graceful-shutdown request (or cancellation), then for the pending emails.
    func run() async throws {
        try? await gracefulShutdown()
        await links.waitForPendingEmails()
    }
}
