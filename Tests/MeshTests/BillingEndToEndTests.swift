import Foundation
import ServiceKit
import Testing
@testable import PurrpurrTestSupport
@testable import Purrpurr

/// Billing through the whole mesh: the catalog and a project on a plan from the admin API, Stripe top-ups
/// with Stripe's signature scheme, the credit guard on `POST /v1/comms/email` with the real Comms outbox
/// settling its reservations (captured when sent, released when the relay refuses for good).
@Suite("Billing end to end (mesh)", .serialized,
       .enabled(if: TestDatabase.serverURL != nil, "PURRPURR_TEST_DATABASE_URL is not set (run scripts/test)"))
struct BillingEndToEndTests {
    static let stripeSecret = "whsec_mesh_test_secret_0123456789"
    static let paymentsSecret = "whsec_" + Data(repeating: 7, count: 32).base64EncodedString()

    /// Posts a Stripe event signed at `timestamp` (now by default), with `secret`.
    func stripe(
        _ mesh: LocalMesh, _ event: [String: Any], secret: String = stripeSecret, timestamp: Int? = nil
    ) async throws -> MeshResponse {
        let raw = try JSONSerialization.data(withJSONObject: event)
        let t = timestamp ?? Int(Date().timeIntervalSince1970)
        let mac = HMACSHA256.authenticationCode(for: Array("\(t).".utf8) + Array(raw), key: Array(secret.utf8))
        let hex = mac.map { String(format: "%02x", $0) }.joined()
        return try await mesh.http(
            "POST", "/v1/webhooks/inbound/stripe", headers: ["Stripe-Signature": "t=\(t),v1=deadbeef,v1=\(hex)"], rawBody: raw)
    }

    func checkout(_ id: String, project: String, cents: Int, currency: String = "usd") -> [String: Any] {
        ["id": id, "type": "checkout.session.completed", "data": ["object": [
            "id": "cs_" + id, "payment_status": "paid", "amount_total": cents, "currency": currency,
            "metadata": ["project_id": project]]]]
    }

    func wallet(_ mesh: LocalMesh, _ key: String) async throws -> (balance: Int, reserved: Int) {
        let wallet = try await mesh.http("GET", "/v1/billing/wallet", key: key)
        return (wallet.json["balance_cents"] as? Int ?? -1, wallet.json["reserved_cents"] as? Int ?? -1)
    }

    @Test("plans, Stripe top-ups, and the credit guard settled by the real outbox", .timeLimit(.minutes(4)))
    func creditGuard() async throws {
        let relay = try await SMTPTestServer.start(.init(rejectRecipients: ["nobody@example.test": "550:5.1.1 User unknown"]))
        let mesh = try await LocalMesh.start(
            extra: ["router": ["STRIPE_WEBHOOK_SECRET": Self.stripeSecret, "WEBHOOK_SECRET_PAYMENTS": Self.paymentsSecret]],
            environment: ["SMTP_URL": "smtp://127.0.0.1:\(relay.port)?tls=none"])
        do {
            let plan = try await mesh.http("PUT", "/v1/admin/billing/plans/payg", admin: true, body: [
                "name": "Pay as you go", "price_cents": 0, "included": ["email": 0, "whatsapp": 0],
                "overage_cents": ["email": 2, "whatsapp": 5], "instances": 1, "white_label": false])
            #expect(plan.status == 200, "\(plan.json)")
            let before = try await mesh.http("GET", "/v1/admin/projects", admin: true)
            let unknown = try await mesh.http("POST", "/v1/admin/projects", admin: true, body: ["name": "x", "plan": "gold"])
            #expect(unknown.status == 400 && unknown[string: "field"] == "plan", "\(unknown.json)")
            let after = try await mesh.http("GET", "/v1/admin/projects", admin: true)
            #expect((after.json["data"] as? [Any])?.count == (before.json["data"] as? [Any])?.count)

            let created = try await mesh.http("POST", "/v1/admin/projects", admin: true, body: ["name": "Shop", "plan": "payg"])
            #expect(created.status == 201, "\(created.json)")
            let id = try #require(created[object: "project"]?["id"] as? String)
            let key = try #require((created.json["keys"] as? [[String: Any]])?.first { $0["kind"] as? String == "secret" }?["key"] as? String)
            let subscription = try await mesh.http("GET", "/v1/billing/subscription", key: key)
            #expect(subscription[string: "plan"] == "payg" && subscription[string: "status"] == "active")

            // No credit: refused before anything is enqueued.
            let refused = try await mesh.http(
                "POST", "/v1/comms/email", key: key, body: ["to": ["a@example.test", "b@example.test"], "subject": "Hi", "text": "x"])
            #expect(refused.status == 402 && refused[string: "error"] == "INSUFFICIENT_CREDITS" && refused.json["balance_cents"] as? Int == 0)
            #expect((try await mesh.http("GET", "/v1/comms/messages", key: key).json["data"] as? [Any])?.isEmpty == true)

            // Stripe: valid, duplicate, wrong, stale, another currency.
            #expect(try await stripe(mesh, checkout("evt_1", project: id, cents: 5)).json["received"] as? Bool == true)
            #expect(try await stripe(mesh, checkout("evt_1", project: id, cents: 5)).json["duplicate"] as? Bool == true)
            let wrong = try await stripe(mesh, checkout("evt_2", project: id, cents: 500), secret: "whsec_not_the_secret_0000")
            #expect(wrong.status == 401 && wrong[string: "error"] == "INVALID_SIGNATURE")
            let stale = try await stripe(mesh, checkout("evt_3", project: id, cents: 500), timestamp: Int(Date().timeIntervalSince1970) - 301)
            #expect(stale.status == 401 && stale[string: "error"] == "TIMESTAMP_OUT_OF_TOLERANCE")
            #expect(try await stripe(mesh, checkout("evt_4", project: id, cents: 500, currency: "eur")).json["ignored"] as? Bool == true)
            #expect(try await wallet(mesh, key) == (5, 0))

            // 2 recipients × 2 cents: accepted, held, captured once handed to the relay.
            let sent = try await mesh.http(
                "POST", "/v1/comms/email", key: key, body: ["to": ["a@example.test", "b@example.test"], "subject": "Hi", "text": "x"])
            #expect(sent.status == 202, "\(sent.json)")
            let short = try await mesh.http("POST", "/v1/comms/email", key: key, body: ["to": "c@example.test", "subject": "Hi", "text": "x"])
            #expect(short.status == 402 && short.json["balance_cents"] as? Int == 1)
            var state = try await wallet(mesh, key)
            for _ in 0..<100 where state != (1, 0) {
                try await Task.sleep(for: .milliseconds(100))
                state = try await wallet(mesh, key)
            }
            #expect(state == (1, 0))

            // A send Comms refuses outright gives its reservation back at once.
            #expect(try await stripe(mesh, checkout("evt_5", project: id, cents: 10)).status == 200)
            let injected = try await mesh.http(
                "POST", "/v1/comms/email", key: key, body: ["to": "c@example.test", "subject": "Hi\r\nBcc: v@example.test", "text": "x"])
            #expect(injected.status == 400)
            #expect(try await wallet(mesh, key) == (11, 0))

            // A message the relay refuses for good is released, not charged.
            let doomed = try await mesh.http("POST", "/v1/comms/email", key: key, body: ["to": "nobody@example.test", "subject": "Hi", "text": "x"])
            #expect(doomed.status == 202)
            let doomedID = try #require(doomed[string: "id"])
            var status = ""
            for _ in 0..<100 where status != "failed" {
                try await Task.sleep(for: .milliseconds(100))
                status = try await mesh.http("GET", "/v1/comms/messages/\(doomedID)", key: key)[string: "status"] ?? ""
            }
            #expect(status == "failed")
            state = try await wallet(mesh, key)
            for _ in 0..<100 where state != (11, 0) {
                try await Task.sleep(for: .milliseconds(100))
                state = try await wallet(mesh, key)
            }
            #expect(state == (11, 0))
            let ledger = try await mesh.http("GET", "/v1/billing/ledger", key: key)
            let types = (ledger.json["data"] as? [[String: Any]] ?? []).compactMap { $0["type"] as? String }
            #expect(types == ["topup", "usage", "topup"])

            // A refund takes back what amount_refunded adds; the generic payments source tops up once per payment_id.
            let refund: [String: Any] = ["id": "evt_6", "type": "charge.refunded", "data": ["object": [
                "id": "ch_1", "amount_refunded": 3, "currency": "USD", "metadata": ["project_id": id]]]]
            #expect(try await stripe(mesh, refund).json["received"] as? Bool == true)
            var more = refund
            more["id"] = "evt_7"
            more["data"] = ["object": ["id": "ch_1", "amount_refunded": 5, "currency": "usd", "metadata": ["project_id": id]]]
            #expect(try await stripe(mesh, more).status == 200)
            #expect(try await wallet(mesh, key) == (6, 0))
            let payment: [String: Any] = ["type": "payment.succeeded", "data": [
                "payment_id": "pay_1", "project_id": id, "amount_cents": 100, "currency": "usd"]]
            #expect(try await mesh.postWebhook(source: "payments", id: "wh_1", body: payment, secret: Self.paymentsSecret).status == 200)
            let replay = try await mesh.postWebhook(source: "payments", id: "wh_2", body: payment, secret: Self.paymentsSecret)
            #expect(replay.json["duplicate"] as? Bool == true, "\(replay.json)")
            #expect(try await wallet(mesh, key) == (106, 0))
        } catch {
            Issue.record("billing log: \(mesh.log("billing").suffix(3000)) comms log: \(mesh.log("comms").suffix(2000))")
            try await mesh.stop()
            await relay.stop()
            throw error
        }
        try await mesh.stop()
        await relay.stop()
    }

    @Test("kill -9 of billing-service between a renewal's charge and its commit: after the restart the period is charged and the commission paid exactly once",
          .timeLimit(.minutes(4)))
    func killedMidRenewal() async throws {
        let mesh = try await LocalMesh.start(
            extra: ["billing": ["BILLING_TEST_CYCLE_PAUSE_MS": "4000", "BILLING_CYCLE_INTERVAL_SECONDS": "1"]])
        let pool = PostgresPool(configuration: try PostgresConfiguration(url: mesh.database.url))
        do {
            let referrer = try await mesh.createProject("referrer")      // a trial: the cycle never renews it
            let created = try await mesh.http("POST", "/v1/admin/projects", admin: true, body: ["name": "Shop", "plan": "starter"])
            let id = try #require(created[object: "project"]?["id"] as? String)
            let key = try #require((created.json["keys"] as? [[String: Any]])?.first { $0["kind"] as? String == "secret" }?["key"] as? String)
            #expect(try await mesh.http("POST", "/v1/admin/projects/\(id)/billing/credits", admin: true,
                                        body: ["amount_cents": 5_000, "reason": "test"]).status == 201)
            #expect(try await mesh.http("GET", "/v1/billing/wallet", key: referrer.secretKey).status == 200)
            // Signup's referral code is issue 19's: link the two in Billing's own table.
            try await pool.execute("UPDATE billing.subscriptions SET referred_by = $1 WHERE project_id = $2", [referrer.id, id])

            let advance = Task { try? await mesh.http("POST", "/v1/admin/billing/clock", admin: true, body: ["advance_seconds": 31 * 86_400]) }
            var inside = false
            for _ in 0..<300 where !inside {
                try await Task.sleep(for: .milliseconds(50))
                inside = try await pool.query("""
                    SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction'
                    """).count > 0
            }
            #expect(inside, "no renewal was seen inside its transaction")
            let started = try await mesh.kill("billing")
            _ = await advance.value
            let charged = "SELECT count(*)::bigint FROM billing.transactions WHERE project_id = $1 AND type = 'plan_charge'"
            #expect(try await pool.query(charged, [id]).first!.decode(Int64.self, at: 0) == 0)

            try await mesh.waitForRestart(of: "billing", startedBefore: started)
            var count: Int64 = 0
            for _ in 0..<300 where count == 0 {
                try await Task.sleep(for: .milliseconds(100))
                count = try await pool.query(charged, [id]).first!.decode(Int64.self, at: 0)
            }
            try await Task.sleep(for: .seconds(2))
            #expect(try await pool.query(charged, [id]).first!.decode(Int64.self, at: 0) == 1)
            let ledger = try await mesh.http("GET", "/v1/billing/ledger", key: referrer.secretKey)
            let commissions = (ledger.json["data"] as? [[String: Any]] ?? []).filter { $0["type"] as? String == "commission" }
            #expect(commissions.compactMap { $0["amount_cents"] as? Int } == [300])
            let wallet = try await mesh.http("GET", "/v1/billing/wallet", key: key)
            #expect(wallet.json["balance_cents"] as? Int == 3_500)
        } catch {
            Issue.record("billing log: \(mesh.log("billing").suffix(3000))")
            await pool.close()
            try await mesh.stop()
            throw error
        }
        await pool.close()
        try await mesh.stop()
    }

    @Test("kill -9 of billing-service while Comms settles a burst of emails in batches: after the restart each is captured once, nothing lost or doubled",
          .timeLimit(.minutes(4)))
    func killedMidSettlement() async throws {
        let relay = try await SMTPTestServer.start()
        let mesh = try await LocalMesh.start(environment: ["SMTP_URL": "smtp://127.0.0.1:\(relay.port)?tls=none"])
        let pool = PostgresPool(configuration: try PostgresConfiguration(url: mesh.database.url))
        do {
            #expect(try await mesh.http("PUT", "/v1/admin/billing/plans/payg", admin: true, body: [
                "name": "Pay as you go", "price_cents": 0, "included": ["email": 0, "whatsapp": 0],
                "overage_cents": ["email": 2, "whatsapp": 5], "instances": 1, "white_label": false]).status == 200)
            let created = try await mesh.http("POST", "/v1/admin/projects", admin: true, body: ["name": "Burst", "plan": "payg"])
            let id = try #require(created[object: "project"]?["id"] as? String)
            let key = try #require((created.json["keys"] as? [[String: Any]])?.first { $0["kind"] as? String == "secret" }?["key"] as? String)
            #expect(try await mesh.http("POST", "/v1/admin/projects/\(id)/billing/credits", admin: true,
                                        body: ["amount_cents": 1_000, "reason": "test"]).status == 201)
            let accepted = await withTaskGroup(of: Int.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        (try? await mesh.http("POST", "/v1/comms/email", key: key, body: [
                            "to": "r\(index)@example.test", "subject": "Hi", "text": "x"]).status) ?? 0
                    }
                }
                var statuses: [Int] = []
                for await status in group { statuses.append(status) }
                return statuses
            }
            #expect(accepted == Array(repeating: 202, count: 40))
            let started = try await mesh.kill("billing")
            try await mesh.waitForRestart(of: "billing", startedBefore: started)
            var state = try await wallet(mesh, key)
            for _ in 0..<1200 where state != (920, 0) {   // settlements refused while Billing was down retry with backoff
                try await Task.sleep(for: .milliseconds(100))
                state = try await wallet(mesh, key)
            }
            #expect(state == (920, 0))
            let captured = try await pool.query("""
                SELECT count(*) FILTER (WHERE status = 'captured')::bigint, count(*)::bigint FROM billing.reservations
                WHERE project_id = $1
                """, [id]).first!.decode((Int64, Int64).self)
            #expect(captured == (40, 40))
            let charged = try await pool.query("""
                SELECT COALESCE(sum(amount_cents), 0)::bigint FROM billing.postings
                WHERE project_id = $1 AND kind = 'wallet' AND type = 'usage'
                """, [id]).first!.decode(Int64.self, at: 0)
            #expect(charged == -80)
        } catch {
            Issue.record("billing log: \(mesh.log("billing").suffix(3000)) comms log: \(mesh.log("comms").suffix(2000))")
            await pool.close()
            try await mesh.stop()
            await relay.stop()
            throw error
        }
        await pool.close()
        try await mesh.stop()
        await relay.stop()
    }
}
