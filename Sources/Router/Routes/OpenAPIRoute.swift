/// `GET /v1/openapi.json`: the document of the other routes and itself, generated once when the table is
/// built (``OpenAPIDocument``) and served as is.
enum OpenAPIRoute {
    /// The route serving the document of `routes` (plus this route).
    static func route(documenting routes: [Route]) -> Route {
        let document = OpenAPIDocument.make(routes + [declaration { _ in .noContent }])
        return declaration { _ in .json(document) }
    }

    private static func declaration(_ handler: @escaping Route.Handler) -> Route {
        Route(.get, "/v1/openapi.json", auth: .none, tag: "health", summary: "This OpenAPI 3.1 document",
              response: .init(status: 200, schema: ["type": "object"]), handler: handler)
    }
}
