import Wire

/// The rest of a route's pipeline after a stage: the next stages and, last, the handler.
typealias RouteResponder = @Sendable (inout RequestContext) async throws -> HTTPResponse

/// One stage of a route's request pipeline (Hummingbird's `MiddlewareProtocol`): it may answer or throw
/// itself, fill in the ``RequestContext`` (passed `inout`, so what it learns reaches the edge's access log
/// and headers even when a later stage throws), and calls `next` to go on.
///
/// Stages are composed once, when the ``RouteTable`` is built (``RouterPipeline/responder(for:endpoint:)``):
/// each route holds one closure chain, so a request allocates no list of stages and boxes no stage.
///
/// ```swift
/// struct Example: RouteMiddleware {
///     func handle(_ context: inout RequestContext, next: RouteResponder) async throws -> HTTPResponse {
///         guard context.request.headers["X-Example"] != nil else { throw RouterError.forbidden }
///         return try await next(&context)
///     }
/// }
/// ```
protocol RouteMiddleware: Sendable {
    /// Handles one request: answer, throw a ``RouterError``, or call `next`.
    func handle(_ context: inout RequestContext, next: RouteResponder) async throws -> HTTPResponse
}

extension RouteMiddleware {
    /// This stage in front of `next`, as one closure over the concrete stage (the existential is opened here,
    /// once, at build time).
    func wrapping(_ next: @escaping RouteResponder) -> RouteResponder {
        { context in try await self.handle(&context, next: next) }
    }
}
