import Foundation
import Wire

/// `Idempotency-Key` on POSTs that create: the same key and body within 24 h replays the first response
/// (`Idempotent-Replayed: true`); the same key with another request is 422 `IDEMPOTENCY_KEY_REUSED`.
///
/// Only responses below 500 are stored (a failure may be retried). Two identical requests racing with a
/// new key may both run; the first stored response wins for later replays. The scope is the project (or
/// `admin`), the method and the route template — and, on routes a publishable key reaches (the vault's
/// documents), the key's kind and the end user, so one caller never replays another's answer.
/// Replays carry the stored status and body only (not the route's other headers, e.g. `ETag`).
struct IdempotencyStage: RouteMiddleware {
    /// Stored first responses.
    let store: IdempotencyStore
    /// `METHOD /template`, the route's part of the scope.
    let route: String

    func handle(_ context: inout RequestContext, next: RouteResponder) async throws -> HTTPResponse {
        guard let key = context.request.headers["Idempotency-Key"] else { return try await next(&context) }
        guard (1...IdempotencyStore.maximumKeyLength).contains(key.utf8.count) else {
            throw RouterError.validation("Idempotency-Key", "Idempotency-Key must be 1 to 255 characters.")
        }
        var scope = "\(context.key?.projectID ?? "admin") \(route)"
        if let kind = context.keyKind, kind != .secret { scope += " \(kind.rawValue) \(context.subject ?? "-")" }
        let http = context.request
        let hash = IdempotencyStore.requestHash(method: http.method.rawValue, path: String(http.path), body: http.body)
        if let stored = try await store.lookUp(scope: scope, key: key, now: context.now) {
            guard stored.requestHash == hash else { throw RouterError.idempotencyKeyReused }
            var response = HTTPResponse(status: HTTPResponse.Status(code: stored.status), body: stored.body)
            if !stored.body.isEmpty {
                response.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
            }
            response.headers.add(name: "Idempotent-Replayed", value: "true")
            return response
        }
        let response = try await next(&context)
        if response.status.code < 500 {
            try await store.save(
                scope: scope, key: key, requestHash: hash, status: response.status.code, body: response.body,
                now: context.now)
        }
        return response
    }
}
