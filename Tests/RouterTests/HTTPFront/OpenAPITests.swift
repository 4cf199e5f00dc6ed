import Foundation
import Testing
@testable import Router

@Suite("Router OpenAPI document")
struct OpenAPITests {
    /// The contract's routes that the Router serves today (method, path).
    static let contract: Set<String> = [
        "GET /healthz", "GET /readyz", "GET /metrics", "GET /v1/openapi.json",
        "POST /v1/admin/projects", "GET /v1/admin/projects", "PATCH /v1/admin/projects/{id}",
        "GET /v1/whoami", "GET /v1/keys", "POST /v1/keys", "POST /v1/keys/{id}/rotate", "DELETE /v1/keys/{id}",
        "POST /v1/webhooks/inbound/{source}",
        "POST /v1/comms/email", "GET /v1/comms/messages/{id}", "GET /v1/comms/messages", "POST /v1/comms/templates",
        "GET /v1/comms/templates", "GET /v1/comms/suppressions", "DELETE /v1/comms/suppressions/{email}",
        "GET /v1/comms/settings", "PUT /v1/comms/settings",
        "POST /v1/auth/signup", "POST /v1/auth/token", "POST /v1/auth/magiclink", "POST /v1/auth/verify",
        "POST /v1/auth/recover", "GET /v1/auth/user", "PUT /v1/auth/user", "POST /v1/auth/logout", "GET /v1/auth/jwks",
        "GET /v1/auth/admin/users", "DELETE /v1/auth/admin/users/{id}", "GET /v1/auth/admin/audit",
        "GET /v1/auth/admin/settings", "PUT /v1/auth/admin/settings",
    ]

    @Test("every route has an entry, and the document and the table agree")
    func everyRoute() throws {
        let table = RouteTable.make()
        let served = Set(table.routes.map { "\($0.method.rawValue) \($0.path.text)" })
        #expect(served == Self.contract)
        #expect(served.count == table.routes.count, "a route is declared twice")
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.make(table).serialized.utf8)) as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var documented = Set<String>()
        for (path, operations) in paths {
            for (method, operation) in operations {
                documented.insert("\(method.uppercased()) \(path)")
                let operation = try #require(operation as? [String: Any])
                #expect((operation["summary"] as? String)?.isEmpty == false)
                #expect(operation["responses"] != nil)
            }
        }
        #expect(documented == served)
    }

    @Test("the document file for scripts/validate-openapi.sh")
    func writeDocument() throws {
        guard let path = ProcessInfo.processInfo.environment["ROUTER_OPENAPI_OUT"] else { return }
        try OpenAPIDocument.make(RouteTable.make()).serialized.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
