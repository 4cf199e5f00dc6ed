import Foundation
import Wire

/// `Idempotency-Key` on POSTs that create: the same key and body within 24 h replays the first response
/// (`Idempotent-Replayed: true`); the same key with another request is 422 `IDEMPOTENCY_KEY_REUSED`.
///
/// Only responses below 500 are stored (a failure may be retried). Two identical requests racing with a
/// new key may both run; the first stored response wins for later replays.
struct Idempotency {
    /// The replica's state.
    let app: RouterApp

    /// Replays or runs `body` for `key` within `scope` (project, method and route).
    func run(
        key: String, scope: String, request: RouteRequest, now: Date,
        _ body: () async throws -> HTTPResponse
    ) async throws -> HTTPResponse {
        guard (1...IdempotencyStore.maximumKeyLength).contains(key.utf8.count) else {
            throw RouterError.validation("Idempotency-Key", "Idempotency-Key must be 1 to 255 characters.")
        }
        let hash = IdempotencyStore.requestHash(
            method: request.http.method.rawValue, path: String(request.http.path), body: request.http.body)
        if let stored = try await app.idempotency.lookUp(scope: scope, key: key, now: now) {
            guard stored.requestHash == hash else { throw RouterError.idempotencyKeyReused }
            var response = HTTPResponse(status: HTTPResponse.Status(code: stored.status), body: stored.body)
            if !stored.body.isEmpty {
                response.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
            }
            response.headers.add(name: "Idempotent-Replayed", value: "true")
            return response
        }
        let response = try await body()
        if response.status.code < 500 {
            try await app.idempotency.save(
                scope: scope, key: key, requestHash: hash, status: response.status.code, body: response.body, now: now)
        }
        return response
    }
}
