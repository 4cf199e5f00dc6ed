import Wire

/// `/healthz`, `/readyz`, `/metrics`, `/v1/openapi.json`.
enum HealthRoutes {
    /// The routes.
    static let routes: [Route] = [
        Route(.get, "/healthz", auth: .none, tag: "health", summary: "Liveness: 200 while the process serves",
              response: .init(status: 200, schema: Schemas.status)) { _ in .json(["status": "ok"]) },
        Route(.get, "/readyz", auth: .none, tag: "health", summary: "Readiness of the Router and the services behind it",
              response: .init(status: 200, schema: Schemas.object([("status", Schemas.string), ("services", ["type": "object"])]))) { request in
            let health = await request.app.services.health()
            let down = health.contains { $0.status != "ok" }
            let body: JSONValue = [
                "status": down ? "down" : "ok", "services": .object(health.map { ($0.name, .string($0.status)) }),
            ]
            return RouteResponse(status: down ? 503 : 200, body: body, headers: down ? [("Retry-After", "1")] : [])
        },
        Route(.get, "/metrics", auth: .none, tag: "health", summary: "Prometheus metrics",
              response: .init(status: 200, schema: nil)) { request in
            RouteResponse(status: 200, body: nil, text: request.app.metrics.registry.render())
        },
        Route(.get, "/v1/openapi.json", auth: .none, tag: "health", summary: "This OpenAPI 3.1 document",
              response: .init(status: 200, schema: ["type": "object"])) { request in
            .json(OpenAPIDocument.make(request.app.table))
        },
    ]
}
