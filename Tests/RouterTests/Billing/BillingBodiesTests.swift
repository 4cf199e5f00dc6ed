import Contracts
import Foundation
import Testing
import Wire
@testable import Router

@Suite("Billing request bodies")
struct BillingBodiesTests {
    /// The `field` of the 400 decoding `text` as `Body` answers, or nil when it decodes.
    private func field<Body: RequestBody>(_ body: Body.Type, _ text: String) -> String? {
        do {
            _ = try Body.decode(Array(text.utf8))
            return nil
        } catch let error as RouterError {
            return error.context.first { $0.0 == "field" }.flatMap { if case .string(let f) = $0.1 { f } else { nil } } ?? error.code
        } catch {
            return "?"
        }
    }

    @Test("credits: signed whole cents within 10^9 and a reason")
    func credits() throws {
        #expect(field(CreditsBody.self, #"{"amount_cents":-250,"reason":"refund"}"#) == nil)
        #expect(field(CreditsBody.self, #"{"amount_cents":1000000001,"reason":"x"}"#) == "amount_cents")
        #expect(field(CreditsBody.self, #"{"amount_cents":-1000000001,"reason":"x"}"#) == "amount_cents")
        #expect(field(CreditsBody.self, #"{"amount_cents":1.5,"reason":"x"}"#) == "amount_cents")
        #expect(field(CreditsBody.self, #"{"amount_cents":"5","reason":"x"}"#) == "amount_cents")
        #expect(field(CreditsBody.self, #"{"amount_cents":5}"#) == "reason")
    }

    @Test("plans: amounts 0 to 10^9, meters as objects; the clock moves by whole seconds ≥ 1; a plan is named")
    func plansAndClock() throws {
        let plan = #"{"name":"Pro","price_cents":900,"included":{"email":10,"whatsapp":1},"instances":2}"#
        #expect(field(PlanBody.self, plan) == nil)
        let decoded = try PlanBody.decode(Array(plan.utf8)).plan(id: "pro")
        #expect(decoded.overageEmailCents == 1 && decoded.overageWhatsappCents == 5 && decoded.currency == "USD")
        #expect(field(PlanBody.self, #"{"name":"P","price_cents":-1,"included":{"email":1,"whatsapp":1},"instances":1}"#) == "price_cents")
        #expect(field(PlanBody.self, #"{"name":"P","price_cents":1000000001,"included":{"email":1,"whatsapp":1},"instances":1}"#) == "price_cents")
        #expect(field(PlanBody.self, #"{"name":"P","price_cents":1,"included":{"email":-1,"whatsapp":1},"instances":1}"#) == "included.email")
        #expect(field(ClockBody.self, #"{"advance_seconds":0}"#) == "advance_seconds")
        #expect(field(ClockBody.self, #"{"advance_seconds":86400}"#) == nil)
        #expect(field(ChangePlanBody.self, #"{"plan":""}"#) == "plan")
        #expect(field(ChangePlanBody.self, #"{}"#) == "plan")
    }
}
