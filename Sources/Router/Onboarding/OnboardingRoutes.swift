import Contracts
import Foundation
import ServiceKit
import Wire

/// Onboarding: `POST /v1/signup` (owner, project, keys, vault, trial — one saga, all or nothing) and
/// `GET /v1/console/projects` (an owner's projects). See `docs/onboarding.md`.
struct OnboardingRoutes {
    /// The saga.
    let saga: SignupSaga
    /// The buckets (the per-address signup budget).
    let limiter: RateLimiter
    /// The bearer check of console tokens.
    let bearer: BearerAuthenticator

    /// The routes.
    var routes: [Route] {
        [
            Route(.post, "/v1/signup", auth: .none, tag: "onboarding",
                  summary: "Create an owner, a project with its keys and its vault, and sign the owner in",
                  body: OnboardingSignupBody.self,
                  response: .init(status: 201, schema: Schemas.object([
                      ("owner", IdentitySchemas.user), ("session", IdentitySchemas.session),
                      ("project", Schemas.object([("id", Schemas.string), ("name", Schemas.string)])),
                      ("keys", ["type": "array", "items": Schemas.newKey]), ("subscription", BillingSchemas.subscription),
                  ])),
                  idempotent: true, limitsByAddress: true, deadline: .seconds(30), handler: signup),
            Route(.get, "/v1/console/projects", auth: .none, tag: "onboarding",
                  summary: "The projects of the signed-in owner (a console session's bearer token, no API key)",
                  query: Pagination.parameters,
                  response: .init(status: 200, schema: Schemas.list(Schemas.object([
                      ("id", Schemas.string), ("name", Schemas.string), ("created_at", Schemas.timestamp),
                      ("role", ["type": "string", "enum": ["owner"]]),
                  ]))),
                  limitsByAddress: true,
                  middleware: [ConsoleBearerAuthentication(bearer: bearer, consoleProjectID: saga.config.consoleProjectID)],
                  handler: consoleProjects),
        ]
    }

    @Sendable private func signup(_ body: OnboardingSignupBody, _ context: RequestContext) async throws -> RouteResponse {
        if let address = context.clientAddress {
            let perHour = saga.config.perAddressPerHour
            let decision = limiter.check(
                key: .signupAddress(address), limit: RateLimit(perSecond: Double(perHour) / 3600, burst: perHour),
                now: .now)
            guard decision.isAllowed else { throw RouterError.rateLimited(retryAfter: decision.retryAfter ?? 1) }
        }
        let input = SignupSaga.Input(
            email: body.email, password: body.password, businessName: body.businessName, industry: body.industry,
            referralCode: body.referralCode)
        let requestHash = saga.store.fingerprint(
            [body.email.lowercased(), body.password, body.businessName, body.industry, body.referralCode])
        let idempotencyKey = context.request.headers["Idempotency-Key"]
        if let idempotencyKey {
            switch try await saga.store.resume(idempotencyKey: idempotencyKey, now: Date(), lease: saga.config.lease) {
            case .busy: throw Self.inProgress
            case .resumed(let running):
                guard running.requestHash == requestHash else {
                    try await saga.store.release(running, now: Date())
                    throw RouterError.idempotencyKeyReused
                }
                return Self.created(try await saga.run(running, input: input, resumed: true, call: context.callContext))
            case .none: break
            }
        }
        guard let started = try await saga.store.begin(
            idempotencyKey: idempotencyKey, requestHash: requestHash, businessName: body.businessName,
            referralCode: body.referralCode, now: Date(), lease: saga.config.lease)
        else { throw Self.inProgress }
        return Self.created(try await saga.run(started, input: input, resumed: false, call: context.callContext))
    }

    /// 409 while another request runs the signup of the same `Idempotency-Key` (Stripe's answer).
    private static let inProgress = RouterError(
        .conflict, "A signup with this Idempotency-Key is in progress; retry in a few seconds.")

    private static func created(_ outcome: SignupSaga.Outcome) -> RouteResponse {
        .json([
            "owner": IdentityJSON.user(outcome.session.user), "session": IdentityJSON.session(outcome.session),
            "project": ["id": .string(outcome.project.id), "name": .string(outcome.project.name)],
            "keys": outcome.keys, "subscription": outcome.subscription.json,
        ], status: 201)
    }

    @Sendable private func consoleProjects(_ context: RequestContext) async throws -> RouteResponse {
        guard let owner = context.subject else { throw RouterError.invalidToken }
        let (limit, cursor) = try Pagination.read(context)
        let rows = try await saga.projects.memberships(userID: owner, after: cursor, limit: limit + 1)
        let items: [JSONValue] = rows.prefix(limit).map {
            ["id": .string($0.project.id), "name": .string($0.project.name), "created_at": .date($0.project.createdAt),
             "role": .string($0.role)]
        }
        return Pagination.page(items, next: rows.count > limit ? rows[limit - 1].project.id : nil)
    }
}
