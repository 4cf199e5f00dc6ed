import Foundation
import Testing
@testable import PurrpurrTestSupport
@testable import Purrpurr

/// Two Router replicas on one database, as `purrpurr up` runs them: a key made, rotated or revoked through one is
/// seen by the other (PostgreSQL `LISTEN/NOTIFY`, the full reload as a net).
@Suite("Router replicas (mesh)", .serialized,
       .enabled(if: TestDatabase.serverURL != nil, "PURRPURR_TEST_DATABASE_URL is not set (run scripts/test)"))
struct RouterReplicasMeshTests {
    @Test("key rotation and revocation through one replica reach the other", .timeLimit(.minutes(3)))
    func rotationAndRevocation() async throws {
        let mesh = try await LocalMesh.start(routers: 2)
        do {
            #expect(mesh.running.routerURLs.count == 2)
            let project = try await mesh.createProject("replicas")
            mesh.routerIndex = 1
            try await Self.eventually("the second replica knows the new project's key") {
                try await mesh.http("GET", "/v1/whoami", key: project.secretKey).status == 200
            }

            // Rotate through replica 1: the new key works on replica 2, and the old one still does (grace).
            mesh.routerIndex = 0
            let keys = try await mesh.http("GET", "/v1/keys", key: project.secretKey)
            let listed = try #require(keys.json["data"] as? [[String: Any]] ?? keys.json["keys"] as? [[String: Any]],
                                      "\(keys.json)")
            let secretID = try #require(listed.first { $0["kind"] as? String == "secret" }?["id"] as? String)
            let rotated = try await mesh.http(
                "POST", "/v1/keys/\(secretID)/rotate", key: project.secretKey, body: ["grace_seconds": 3600])
            #expect(rotated.status == 201, "\(rotated.json)")
            let newKey = try #require(rotated[string: "key"])
            let newID = try #require(rotated[string: "id"])
            #expect(rotated[string: "replaces"] == secretID)
            mesh.routerIndex = 1
            try await Self.eventually("replica 2 accepts the rotated key") {
                try await mesh.http("GET", "/v1/whoami", key: newKey).status == 200
            }
            #expect(try await mesh.http("GET", "/v1/whoami", key: project.secretKey).status == 200, "old key in grace")

            // Revoke the new key through replica 1: replica 2 refuses it.
            mesh.routerIndex = 0
            let deleted = try await mesh.http("DELETE", "/v1/keys/\(newID)", key: project.secretKey)
            #expect(deleted.status == 204, "\(deleted.json)")
            mesh.routerIndex = 1
            try await Self.eventually("replica 2 refuses the revoked key") {
                try await mesh.http("GET", "/v1/whoami", key: newKey).status == 401
            }
            // A project's key never reaches another project.
            let other = try await mesh.createProject("other")
            let whoami = try await mesh.http("GET", "/v1/whoami", key: other.secretKey)
            #expect(whoami[string: "project_id"] == other.id)
            #expect(whoami[string: "project_id"] != project.id)
        } catch {
            Issue.record("router logs: \(mesh.log("router").suffix(1500)) \(mesh.log("router-2").suffix(1500))")
            try await mesh.stop()
            throw error
        }
        try await mesh.stop()
    }

    /// Polls `condition` for up to 5 s (replication is promised within 1 s; the margin is for a loaded CI machine).
    static func eventually(_ what: String, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("not true within 5 s: \(what)")
    }
}
