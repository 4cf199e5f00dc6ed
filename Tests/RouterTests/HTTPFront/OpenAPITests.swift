import Foundation
import Testing
import Wire
@testable import Router

@Suite("Router OpenAPI document")
struct OpenAPITests {
    /// The contract's routes that the Router serves today (method, path).
    static let contract: Set<String> = [
        "GET /healthz", "GET /readyz", "GET /v1/openapi.json",  // GET /metrics: its own listener, not in the table
        "POST /v1/admin/projects", "GET /v1/admin/projects", "PATCH /v1/admin/projects/{id}",
        "GET /v1/whoami", "GET /v1/keys", "POST /v1/keys", "POST /v1/keys/{id}/rotate", "DELETE /v1/keys/{id}",
        "POST /v1/signup", "GET /v1/console/projects",
        "POST /v1/webhooks/inbound/{source}", "POST /v1/webhooks/inbound/whatsapp/{token}",
        "GET /v1/comms/whatsapp/settings", "PUT /v1/comms/whatsapp/settings", "POST /v1/comms/whatsapp/instances",
        "GET /v1/comms/whatsapp/instances", "GET /v1/comms/whatsapp/instances/{id}",
        "POST /v1/comms/whatsapp/instances/{id}/connect", "DELETE /v1/comms/whatsapp/instances/{id}",
        "POST /v1/comms/whatsapp/messages",
        "POST /v1/comms/email", "GET /v1/comms/messages/{id}", "GET /v1/comms/messages", "POST /v1/comms/templates",
        "GET /v1/comms/templates", "GET /v1/comms/suppressions", "DELETE /v1/comms/suppressions/{email}",
        "GET /v1/comms/settings", "PUT /v1/comms/settings", "POST /v1/comms/domains", "GET /v1/comms/domains",
        "GET /v1/comms/domains/{id}", "POST /v1/comms/domains/{id}/verify", "DELETE /v1/comms/domains/{id}",
        "POST /v1/auth/signup", "POST /v1/auth/token", "POST /v1/auth/magiclink", "POST /v1/auth/verify",
        "POST /v1/auth/recover", "GET /v1/auth/user", "PUT /v1/auth/user", "POST /v1/auth/logout", "GET /v1/auth/jwks",
        "POST /v1/auth/mfa/enroll", "POST /v1/auth/mfa/verify", "DELETE /v1/auth/mfa/factors/{id}",
        "PUT /v1/auth/admin/providers/{provider}", "GET /v1/auth/authorize", "GET /v1/auth/callback", "POST /v1/auth/callback",
        "GET /v1/auth/user/identities", "DELETE /v1/auth/user/identities/{provider}",
        "GET /v1/auth/admin/users", "DELETE /v1/auth/admin/users/{id}", "GET /v1/auth/admin/audit",
        "GET /v1/auth/admin/settings", "PUT /v1/auth/admin/settings",
        "POST /v1/vault/collections", "GET /v1/vault/collections", "GET /v1/vault/collections/{name}",
        "PATCH /v1/vault/collections/{name}", "DELETE /v1/vault/collections/{name}",
        "POST /v1/vault/collections/{name}/documents", "GET /v1/vault/collections/{name}/documents",
        "GET /v1/vault/collections/{name}/documents/{id}", "PATCH /v1/vault/collections/{name}/documents/{id}",
        "PUT /v1/vault/collections/{name}/documents/{id}", "DELETE /v1/vault/collections/{name}/documents/{id}",
        "GET /v1/admin/projects/{id}/vault",
        "POST /v1/admin/projects/{id}/vault/move", "GET /v1/admin/vault/migrations", "POST /v1/vault/backups",
        "GET /v1/vault/backups", "GET /v1/vault/backups/{id}", "GET /v1/vault/backups/{id}/download", "POST /v1/vault/restore",
        "POST /v1/webhooks/endpoints", "GET /v1/webhooks/endpoints", "GET /v1/webhooks/endpoints/{id}",
        "PATCH /v1/webhooks/endpoints/{id}", "DELETE /v1/webhooks/endpoints/{id}", "POST /v1/webhooks/endpoints/{id}/rotate",
        "GET /v1/webhooks/endpoints/{id}/deliveries", "POST /v1/webhooks/endpoints/{id}/deliveries/{delivery_id}/replay",
        "POST /v1/webhooks/endpoints/{id}/test",
        "GET /v1/billing/plans", "GET /v1/billing/subscription", "PUT /v1/billing/subscription", "GET /v1/billing/wallet",
        "GET /v1/billing/ledger", "GET /v1/billing/usage", "GET /v1/billing/referrals", "PUT /v1/admin/billing/plans/{id}",
        "POST /v1/admin/projects/{id}/billing/credits", "POST /v1/admin/billing/clock",
    ]

    @Test("every route has an entry, and the document and the table agree")
    func everyRoute() throws {
        let routes = try RouterRoutes.documentation()
        let served = Set(routes.map { "\($0.method.rawValue) \($0.path.text)" })
        #expect(served == Self.contract)
        #expect(served.count == routes.count, "a route is declared twice")
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.make(routes).serialized.utf8)) as? [String: Any])
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

    /// Always runs: writes the document (to `ROUTER_OPENAPI_OUT` when set, else a temporary file) and checks it
    /// with `scripts/validate-openapi.sh`, the validator CI uses.
    @Test("the document is valid OpenAPI 3.1 (scripts/validate-openapi.sh)", .timeLimit(.minutes(2)))
    func validDocument() throws {
        let path = ProcessInfo.processInfo.environment["ROUTER_OPENAPI_OUT"]
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("router-openapi-\(UUID().uuidString).json").path
        try OpenAPIDocument.make(try RouterRoutes.documentation()).serialized
            .write(toFile: path, atomically: true, encoding: .utf8)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../scripts/validate-openapi.sh").standardizedFileURL.path
        let process = Process()
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script, path]
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "validate-openapi: \(text)")
    }
}
