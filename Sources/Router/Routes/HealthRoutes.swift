import ServiceKit
import Wire

/// `/healthz` and `/readyz` (limited per client address: it fans out a ping to every service). `/metrics` is
/// not here: it has a listener of its own (``MetricsHTTPService``), so the public port answers it 404.
struct HealthRoutes {
    /// The services behind the Router, for `/readyz`.
    let services: any ServiceDirectory

    /// The routes.
    var routes: [Route] {
        let services = services
        return [
            Route(.get, "/healthz", auth: .none, tag: "health", summary: "Liveness: 200 while the process serves",
                  response: .init(status: 200, schema: Schemas.status)) { _ in .json(["status": "ok"]) },
            Route(.get, "/readyz", auth: .none, tag: "health", summary: "Readiness of the Router and the services behind it",
                  response: .init(status: 200, schema: Schemas.object([("status", Schemas.string), ("services", ["type": "object"])])),
                  limitsByAddress: true) { _ in
                let health = await services.health()
                let down = health.contains { $0.status != "ok" }
                let body: JSONValue = [
                    "status": down ? "down" : "ok", "services": .object(health.map { ($0.name, .string($0.status)) }),
                ]
                return RouteResponse(status: down ? 503 : 200, body: body, headers: down ? [("Retry-After", "1")] : [])
            },
        ]
    }
}
