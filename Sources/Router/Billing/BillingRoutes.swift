import Contracts
import Foundation
import Wire

/// `/v1/billing/*` and the operators' billing routes, forwarded to BillingService over Wire.
///
/// Project routes act for the key's project; the operators' routes name it in the path and answer 404 for
/// a project the Router does not know (Billing would otherwise open an account for any id). The test clock
/// is BillingService's to allow: without `BILLING_TEST_CLOCK=1` there it answers 404 `NOT_FOUND`.
struct BillingRoutes {
    /// BillingService's client (503 `SERVICE_UNAVAILABLE` when it is not configured).
    let billing: @Sendable () throws -> BillingContract.Client
    /// The projects (operators' routes check the id exists).
    let projects: ProjectStore

    /// The routes.
    var routes: [Route] { [
        Route(.get, "/v1/billing/plans", auth: .anyKey, tag: "billing", summary: "The plan catalog and the trial's terms",
              response: .init(status: 200, schema: BillingSchemas.catalog), handler: catalog),
        Route(.get, "/v1/billing/subscription", auth: .secretKey, tag: "billing", summary: "The project's subscription",
              response: .init(status: 200, schema: BillingSchemas.subscription), handler: subscription),
        Route(.put, "/v1/billing/subscription", auth: .secretKey, tag: "billing",
              summary: "Choose a plan (from the trial: at once, full price; upgrade: prorated now; downgrade: at the period's end)",
              body: ChangePlanBody.self, response: .init(status: 200, schema: BillingSchemas.subscription),
              idempotent: true, handler: changePlan),
        Route(.get, "/v1/billing/wallet", auth: .secretKey, tag: "billing", summary: "The wallet's balance and held amount",
              response: .init(status: 200, schema: BillingSchemas.wallet), handler: wallet),
        Route(.get, "/v1/billing/ledger", auth: .secretKey, tag: "billing", summary: "The wallet's ledger, newest first",
              query: Pagination.parameters, response: .init(status: 200, schema: Schemas.list(BillingSchemas.entry)),
              handler: ledger),
        Route(.get, "/v1/billing/usage", auth: .secretKey, tag: "billing", summary: "Usage per meter this period",
              response: .init(status: 200, schema: Schemas.object([("data", ["type": "array", "items": BillingSchemas.usage])])),
              handler: usage),
        Route(.get, "/v1/billing/referrals", auth: .secretKey, tag: "billing", summary: "The referral code and commissions",
              response: .init(status: 200, schema: BillingSchemas.referrals), handler: referrals),
        Route(.put, "/v1/admin/billing/plans/{id}", auth: .admin, tag: "admin", summary: "Create or replace a plan of the catalog",
              body: PlanBody.self, response: .init(status: 200, schema: BillingSchemas.plan), handler: putPlan),
        Route(.post, "/v1/admin/projects/{id}/billing/credits", auth: .admin, tag: "admin",
              summary: "Adjust a project's wallet (negative down to zero)",
              body: CreditsBody.self, response: .init(status: 201, schema: BillingSchemas.entry), idempotent: true,
              handler: credits),
        Route(.post, "/v1/admin/billing/clock", auth: .admin, tag: "admin",
              summary: "Advance Billing's test clock and run what became due (only with BILLING_TEST_CLOCK=1)",
              body: ClockBody.self, response: .init(status: 200, schema: BillingSchemas.clock), handler: clock),
    ] }

    /// Calls `method` for the request's project.
    private func call<Request, Response>(
        _ method: MethodDescriptor<Request, Response>, _ request: Request, _ context: RequestContext
    ) async throws -> Response {
        let billing = try billing()
        return try await upstream { try await billing.call(method, request, context.callContext) }
    }

    @Sendable private func catalog(_ context: RequestContext) async throws -> RouteResponse {
        .json(try await call(BillingContract.catalog, Empty(), context).json)
    }

    @Sendable private func subscription(_ context: RequestContext) async throws -> RouteResponse {
        .json(try await call(BillingContract.subscription, Empty(), context).json)
    }

    @Sendable private func changePlan(_ body: ChangePlanBody, _ context: RequestContext) async throws -> RouteResponse {
        .json(try await call(BillingContract.changePlan, ChangePlanRequest(plan: body.plan), context).json)
    }

    @Sendable private func wallet(_ context: RequestContext) async throws -> RouteResponse {
        .json(try await call(BillingContract.wallet, Empty(), context).json)
    }

    @Sendable private func ledger(_ context: RequestContext) async throws -> RouteResponse {
        let (limit, cursor) = try Pagination.read(context)
        let page = try await call(BillingContract.ledger, PageQuery(limit: limit, cursor: cursor), context)
        return Pagination.page(page.data.map(\.json), next: page.nextCursor)
    }

    @Sendable private func usage(_ context: RequestContext) async throws -> RouteResponse {
        .json(["data": .array(try await call(BillingContract.usage, Empty(), context).data.map(\.json))])
    }

    @Sendable private func referrals(_ context: RequestContext) async throws -> RouteResponse {
        .json(try await call(BillingContract.referrals, Empty(), context).json)
    }

    @Sendable private func putPlan(_ body: PlanBody, _ context: RequestContext) async throws -> RouteResponse {
        .json(try await call(BillingContract.putPlan, body.plan(id: context.parameter("id")), context).json)
    }

    @Sendable private func credits(_ body: CreditsBody, _ context: RequestContext) async throws -> RouteResponse {
        let projectID = context.parameter("id")
        guard try await projects.project(id: projectID) != nil else { throw RouterError.notFound }
        let request = AdjustCreditsRequest(
            projectID: projectID, amountCents: Int64(body.amountCents), reason: body.reason,
            idempotencyKey: context.request.headers["Idempotency-Key"])
        return .json(try await call(BillingContract.adjustCredits, request, context).json, status: 201)
    }

    @Sendable private func clock(_ body: ClockBody, _ context: RequestContext) async throws -> RouteResponse {
        let now = try await call(BillingContract.advanceClock, AdvanceClockRequest(advanceSeconds: Int64(body.advanceSeconds)), context)
        return .json(["now": .date(now.now)])
    }
}
