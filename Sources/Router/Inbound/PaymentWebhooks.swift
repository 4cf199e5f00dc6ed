import Contracts
import Foundation
import ServiceKit
import Wire

/// The payment sources of `POST /v1/webhooks/inbound/{source}`: top-ups and refunds for BillingService.
///
/// - `stripe`: Stripe's own scheme (``StripeSignatureVerifier`` under `STRIPE_WEBHOOK_SECRET`),
///   de-duplicated by the event's `id`. `checkout.session.completed` with `payment_status: "paid"` tops up
///   `metadata.project_id`'s wallet by `amount_total`; `charge.refunded` takes back what the charge's
///   cumulative `amount_refunded` adds; other types (and unpaid sessions) → `{"ignored":true}`.
/// - `payments` (Standard Webhooks, verified by ``WebhookRoutes``): `payment.succeeded` with
///   `{"payment_id","project_id","amount_cents","currency"}`, de-duplicated by `payment_id`.
///
/// Billing makes at most one ledger transaction per provider event, ever (its own dedupe key), so two
/// copies racing past the Router's seen-ids are still one top-up. A currency other than the wallet's →
/// `{"ignored":true}`. Billing unreachable → 503 and the id stays unseen, so the provider retries.
struct PaymentWebhooks: Sendable {
    /// The whole `whsec_…` of `STRIPE_WEBHOOK_SECRET`, or nil (source `stripe` then answers 404).
    let stripeSecret: String?
    /// Ids already received.
    let events: WebhookEventStore
    /// Where Billing is.
    let services: any ServiceDirectory

    /// `POST /v1/webhooks/inbound/stripe`.
    func receiveStripe(_ context: RequestContext) async throws -> RouteResponse {
        guard let stripeSecret else { throw RouterError.notFound }
        let body = context.request.body
        let now = Date()
        do {
            try StripeSignatureVerifier(secret: stripeSecret).verify(
                header: context.request.headers["Stripe-Signature"], body: body, now: now)
        } catch {
            let message = error.code == .timestampOutOfTolerance
                ? "The webhook timestamp is too far from now." : "The webhook signature is missing or wrong."
            throw RouterError(error.publicCode, message)
        }
        let event = try Self.object(body)
        guard let id = event["id"] as? String, WebhookVerifier.isWellFormedID(id) else {
            throw RouterError.validation("id", "The event has no id.")
        }
        if try await events.contains(source: "stripe", id: id) { return .json(["duplicate": true]) }
        let object = (event["data"] as? [String: Any])?["object"] as? [String: Any] ?? [:]
        let projectID = (object["metadata"] as? [String: Any])?["project_id"] as? String
        var request: PaymentEventRequest?
        switch event["type"] as? String {
        case "checkout.session.completed" where object["payment_status"] as? String == "paid":
            request = PaymentEventRequest(
                provider: "stripe", eventID: id, kind: "topup", projectID: try Self.require(projectID, "data.object.metadata.project_id"),
                amountCents: try Self.cents(object["amount_total"], "data.object.amount_total"),
                currency: try Self.require(object["currency"] as? String, "data.object.currency"),
                reference: object["id"] as? String ?? id)
        case "charge.refunded":
            request = PaymentEventRequest(
                provider: "stripe", eventID: id, kind: "refund", projectID: try Self.require(projectID, "data.object.metadata.project_id"),
                amountCents: try Self.cents(object["amount_refunded"], "data.object.amount_refunded"),
                currency: try Self.require(object["currency"] as? String, "data.object.currency"),
                reference: try Self.require(object["id"] as? String, "data.object.id"))
        default:
            request = nil
        }
        var answer: JSONValue = ["ignored": true]
        if let request { answer = try await record(request, context) }
        _ = try await events.insertIfAbsent(source: "stripe", id: id, now: now)
        return .json(answer)
    }

    /// Source `payments`, already verified: `payment.succeeded` → a top-up; other types are ignored.
    func receivePayment(body: [UInt8], _ context: RequestContext) async throws -> JSONValue {
        let event = try Self.object(body)
        guard event["type"] as? String == "payment.succeeded" else { return ["ignored": true] }
        let data = event["data"] as? [String: Any] ?? [:]
        let paymentID = try Self.require(data["payment_id"] as? String, "data.payment_id")
        return try await record(PaymentEventRequest(
            provider: "payments", eventID: paymentID, kind: "topup",
            projectID: try Self.require(data["project_id"] as? String, "data.project_id"),
            amountCents: try Self.cents(data["amount_cents"], "data.amount_cents"),
            currency: try Self.require(data["currency"] as? String, "data.currency"), reference: paymentID), context)
    }

    /// Hands the event to Billing: `{"received":true}`, `{"duplicate":true}` or `{"ignored":true}`.
    private func record(_ request: PaymentEventRequest, _ context: RequestContext) async throws -> JSONValue {
        guard let client = services.client(for: .billing) else { throw RouterError.serviceUnavailable }
        let call = CallContext(requestID: context.requestID, deadline: context.deadline)
        let outcome = try await upstream {
            try await BillingContract.Client(client).call(BillingContract.recordPayment, request, call)
        }.outcome
        switch outcome {
        case "duplicate": return ["duplicate": true]
        case "ignored": return ["ignored": true]
        default: return ["received": true]
        }
    }

    private static func object(_ body: [UInt8]) throws -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw RouterError.malformedJSON
        }
        return object
    }

    private static func require(_ value: String?, _ field: String) throws -> String {
        guard let value, !value.isEmpty, value.count <= 255 else {
            throw RouterError.validation(field, "\(field) is required.")
        }
        return value
    }

    /// A whole number of cents, 1 to 10^9.
    private static func cents(_ value: Any?, _ field: String) throws -> Int64 {
        guard !(value is Bool), let number = value as? NSNumber,
              let cents = Int64(exactly: number.doubleValue), (1...BillingLimits.maximumCents).contains(cents)
        else { throw RouterError.validation(field, "\(field) must be a whole number of cents from 1 to 10^9.") }
        return cents
    }
}
