import Contracts
import Foundation
import ServiceKit

/// Tells a project that one of its webhook endpoints was disabled after failing for
/// ``WebhookSettings/disableAfter``: an email through Comms' own outbox (the platform's sender unless the
/// project has set its own) to the project's billing email, which the Router passes with every endpoint
/// create and update. Without one, the disabling is only logged (and visible as `status: "disabled"`). The
/// idempotency key names the endpoint and the day, so a retried disabling mails once.
struct WebhookDisabledAlert: Sendable {
    /// Commits the email.
    let acceptor: EmailAcceptor
    /// Where failures are logged.
    let logger: Logger

    /// Commits the email for `endpoint` (logged, never thrown: the endpoint is disabled either way).
    func send(_ endpoint: DisabledWebhookEndpoint) async {
        guard let email = endpoint.alertEmail else {
            logger.warning("webhook endpoint disabled; the project has no billing email to tell",
                           metadata: [.endpointID: .string(endpoint.id), .projectID: .string(endpoint.projectID)])
            return
        }
        let day = Int(Date().timeIntervalSince1970 / 86_400)
        let request = SendEmailRequest(
            to: [email], subject: "A webhook endpoint was disabled",
            text: """
                Deliveries to your webhook endpoint \(endpoint.id) (\(endpoint.url)) have failed for too long, \
                so it has been disabled. Events are not sent to it while it is disabled.

                Fix the endpoint, then enable it again with PATCH /v1/webhooks/endpoints/\(endpoint.id) \
                {"status":"enabled"}; failed deliveries can be replayed.
                """,
            idempotencyKey: "webhook-disabled-\(endpoint.id)-\(day)")
        do {
            _ = try await acceptor.accept(request, projectID: endpoint.projectID)
        } catch {
            logger.error("webhook disabled email not accepted", metadata: [
                .endpointID: .string(endpoint.id), .projectID: .string(endpoint.projectID), .errorType: .errorType(error),
            ])
        }
    }
}
