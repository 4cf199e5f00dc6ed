import Foundation
import Wire

/// JSON routes: a non-empty body must be `application/json` (parameters allowed), else 415
/// `UNSUPPORTED_MEDIA_TYPE`. Decoding is the route's own (``RequestBody``), once, into its body type.
struct JSONContentType: RouteMiddleware {
    func handle(_ context: inout RequestContext, next: RouteResponder) async throws -> HTTPResponse {
        if !context.request.body.isEmpty, !Self.isJSON(context.request.headers["Content-Type"]) {
            throw RouterError.unsupportedMediaType
        }
        return try await next(&context)
    }

    /// Whether a `Content-Type` names JSON (`application/json`, parameters allowed).
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let media = contentType.split(separator: ";", maxSplits: 1).first ?? ""
        return media.trimmingCharacters(in: .whitespaces).lowercased() == "application/json"
    }
}
