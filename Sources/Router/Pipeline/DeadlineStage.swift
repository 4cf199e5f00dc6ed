import Wire

/// The innermost stage: sets ``RequestContext/deadline`` and runs the rest (the handler) under it with
/// ``RouteDeadline`` — a timer on the connection's loop that cancels this same task, so a request stays one
/// task. Past the deadline: 504 `UPSTREAM_TIMEOUT`, whatever the handler did after the cancellation.
struct DeadlineStage: RouteMiddleware {
    /// How long the handler may take.
    let duration: Duration

    func handle(_ context: inout RequestContext, next: RouteResponder) async throws -> HTTPResponse {
        context.deadline = .now + duration
        let response = try await RouteDeadline.run(duration, on: context.eventLoop) { try await next(&context) }
        guard let response else { throw RouterError.upstreamTimeout }
        return response
    }
}
