/// The OpenAPI 3.1 document, generated from the route declarations (so it cannot drift from what is served):
/// request bodies from their ``RequestBody`` types, query parameters from the routes' ``QueryParameter``s.
enum OpenAPIDocument {
    /// The document of `routes`.
    static func make(_ routes: [Route]) -> JSONValue {
        var paths: [(String, JSONValue)] = []
        for route in routes {
            let operation = self.operation(route)
            let method = route.method.rawValue.lowercased()
            if let index = paths.firstIndex(where: { $0.0 == route.path.text }), case .object(var members) = paths[index].1 {
                members.append((method, operation))
                paths[index].1 = .object(members)
            } else {
                paths.append((route.path.text, .object([(method, operation)])))
            }
        }
        return [
            "openapi": "3.1.0",
            "info": ["title": "Purrpurr Cloud", "version": "1"],
            "paths": .object(paths),
            "components": [
                "schemas": ["Error": Schemas.error],
                "securitySchemes": [
                    "apiKey": ["type": "apiKey", "in": "header", "name": "X-API-Key"],
                    "adminToken": ["type": "apiKey", "in": "header", "name": "X-Admin-Token"],
                    "apiKeyQuery": ["type": "apiKey", "in": "query", "name": "apikey"],
                    "bearer": ["type": "http", "scheme": "bearer", "bearerFormat": "JWT"],
                ],
            ],
        ]
    }

    private static func operation(_ route: Route) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("summary", .string(route.summary)), ("tags", [.string(route.tag)]),
            ("operationId", .string(route.method.rawValue.lowercased() + route.path.text
                .split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map { $0.prefix(1).uppercased() + $0.dropFirst() }
                .joined())),
        ]
        let parameters = route.path.parameterNames.map { name -> JSONValue in
            ["name": .string(name), "in": "path", "required": true, "schema": ["type": "string"]]
        } + route.query.map { parameter -> JSONValue in
            ["name": .string(parameter.name), "in": "query", "required": .bool(parameter.required), "schema": parameter.schema]
        }
        if !parameters.isEmpty { members.append(("parameters", .array(parameters))) }
        switch route.auth {
        case .none: members.append(("security", []))
        case .admin: members.append(("security", [["adminToken": []]]))
        case .anyKey, .secretKey: members.append(("security", [["apiKey": []]]))
        case .keyAndBearer: members.append(("security", [["apiKey": [], "bearer": []]]))
        case .keyOptionalBearer: members.append(("security", [["apiKey": [], "bearer": []], ["apiKey": []]]))
        case .keyOrQueryKey: members.append(("security", [["apiKey": []], ["apiKeyQuery": []]]))
        }
        if let schema = route.requestSchema {
            members.append(("requestBody", ["required": .bool(route.requestRequired), "content": ["application/json": ["schema": schema]]]))
        }
        var success: [(String, JSONValue)] = [("description", .string(route.summary))]
        if let schema = route.response.schema {
            success.append(("content", .object([(route.response.contentType, .object([("schema", schema)]))])))
        }
        let errorResponse: JSONValue = [
            "description": "An error", "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]],
        ]
        let successes = ([route.response.status] + route.response.alsoStatuses).map { (String($0), JSONValue.object(success)) }
        members.append(("responses", .object(successes + [("default", errorResponse)])))
        return .object(members)
    }
}
