import Contracts
import Foundation
import ServiceKit
import Wire

/// Sends what the `alerts` table holds: each alert is one `comms.EmitEvent` (the webhook event, idempotent
/// by the alert's `evt_` id) and one email to the project's billing email (`comms.SendEmail`, idempotent by
/// the same id), each retried with backoff until Comms answers — an `unimplemented` or unknown method (a
/// Comms without webhooks yet) is retried later like any failure. Rows are claimed `FOR UPDATE SKIP
/// LOCKED`, so replicas never send one twice at once.
struct AlertOutbox: Sendable {
    /// The tables.
    let store: BillingStore
    /// Comms, or nil when not configured (alerts wait).
    let comms: CommsContract.Client?
    /// Warnings (ids and codes only).
    let logger: Logger

    /// Sends up to `limit` due alerts; returns how many it finished.
    @discardableResult
    func dispatch(limit: Int = 20) async throws -> Int {
        guard let comms else { return 0 }
        return try await store.pool.withTransaction { tx in
            let rows = try await tx.query("""
                SELECT a.id, a.project_id, a.type, a.data::text, a.occurred_at, a.email_done, a.event_done,
                       s.billing_email
                FROM \(store.table("alerts")) a LEFT JOIN \(store.table("subscriptions")) s ON s.project_id = a.project_id
                WHERE NOT (a.email_done AND a.event_done) AND a.next_attempt_at <= clock_timestamp()
                ORDER BY a.next_attempt_at LIMIT $1 FOR UPDATE OF a SKIP LOCKED
                """, [limit])
            var finished = 0
            for row in rows {
                let (id, projectID, type, data, at, emailDone, eventDone, email) =
                    try row.decode((String, String, String, String, Date, Bool, Bool, String?).self)
                let context = CallContext(requestID: id, projectID: projectID, deadline: .now + .seconds(5))
                var event = eventDone
                var mail = emailDone
                if !event, let eventType = WebhookEventType(rawValue: type) {
                    do {
                        _ = try await comms.emitEvent(
                            EmitEventRequest(eventID: id, type: eventType, occurredAt: at, dataJSON: data), context)
                        event = true
                    } catch {
                        logger.warning("billing event not emitted yet", metadata: [
                            LogKey("alert.id"): .string(id), .errorType: .errorType(error)])
                    }
                }
                if !mail {
                    if let email, !email.isEmpty {
                        do {
                            _ = try await comms.sendEmail(Self.email(to: email, type: type, data: data, id: id), context)
                            mail = true
                        } catch {
                            logger.warning("billing alert email not sent yet", metadata: [
                                LogKey("alert.id"): .string(id), .errorType: .errorType(error)])
                        }
                    } else {
                        mail = true
                    }
                }
                try await tx.execute("""
                    UPDATE \(store.table("alerts")) SET email_done = $2, event_done = $3, attempts = attempts + 1,
                        next_attempt_at = clock_timestamp() + least(power(2, attempts + 1), 600) * interval '1 second'
                    WHERE id = $1
                    """, [id, mail, event])
                if mail && event { finished += 1 }
            }
            return finished
        }
    }

    /// The alert's email: a plain sentence naming what happened, never a secret.
    static func email(to address: String, type: String, data: String, id: String) -> SendEmailRequest {
        let subjects = [
            "billing.quota.threshold": "You have used a large share of your plan's included units",
            "billing.credits.low": "Your wallet is running low",
            "billing.trial.ending": "Your trial ends in 3 days",
            "billing.trial.ended": "Your trial has ended",
            "billing.payment.succeeded": "Payment received: your wallet was topped up",
        ]
        let subject = subjects[type] ?? "Billing notice"
        let text = subject + ".\n\nDetails: " + data + "\n\nSee your billing page for your plan, usage and wallet.\n"
        return SendEmailRequest(to: [address], subject: subject, text: text, idempotencyKey: "billing-alert-" + id)
    }
}
