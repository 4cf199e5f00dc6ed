import Foundation
import Testing
@testable import PurrpurrTestSupport
@testable import Purrpurr

/// Sender domains through the whole mesh: the Router's `/v1/comms/domains`, CommsService verifying against a DNS
/// server on loopback, the sender policy at `POST /v1/comms/email`, and the signed mail checked by dkimpy.
@Suite("Sender domains end to end (mesh)", .serialized,
       .enabled(if: TestDatabase.serverURL != nil, "PURRPURR_TEST_DATABASE_URL is not set (run scripts/test)"))
struct SenderDomainsMeshTests {
    @Test("add, publish, verify, send from it: the caught mail's DKIM signature verifies; other senders are 400 from",
          .timeLimit(.minutes(3)))
    func verifiedDomainSends() async throws {
        let dns = try await DNSTestServer.start()
        let mesh = try await LocalMesh.start(extra: ["comms": ["COMMS_DNS_RESOLVER": dns.address]])
        do {
            let key = try await mesh.createProject().secretKey
            let spoofed = try await mesh.http(
                "POST", "/v1/comms/email", key: key, body: ["to": "ana@example.org", "subject": "s", "text": "t", "from": "ceo@bank.example"])
            #expect(spoofed.status == 400 && spoofed[string: "error"] == "VALIDATION_FAILED" && spoofed[string: "field"] == "from")

            let created = try await mesh.http("POST", "/v1/comms/domains", key: key, body: ["name": "mail.shop.example"])
            #expect(created.status == 201 && created[string: "status"] == "pending", "\(created.json)")
            let id = try #require(created[string: "id"])
            let records = try #require(created.json["records"] as? [[String: String]])
            let pending = try await mesh.http("POST", "/v1/comms/domains/\(id)/verify", key: key)
            #expect(pending.status == 200 && pending[string: "status"] == "failed")
            #expect(pending[string: "failure"]?.hasPrefix("spf: ") == true)

            var published: DNSTestServer.Records = [:]
            for record in records where record["purpose"] != "dmarc" {
                published[try #require(record["name"])] = ["TXT": [try #require(record["value"])]]
            }
            try dns.setRecords(published)
            let verified = try await mesh.http("POST", "/v1/comms/domains/\(id)/verify", key: key)
            #expect(verified.status == 200 && verified[string: "status"] == "verified", "\(verified.json)")
            let listed = try await mesh.http("GET", "/v1/comms/domains?limit=1", key: key)
            #expect((listed.json["data"] as? [[String: Any]])?.first?["status"] as? String == "verified")

            let sent = try await mesh.http(
                "POST", "/v1/comms/email", key: key,
                body: ["to": "ana@example.org", "subject": "Tu pedido", "text": "Sale hoy.\n.punto", "from": "Shop <hola@mail.shop.example>"])
            #expect(sent.status == 202, "\(sent.json)")
            let mail = try await mesh.waitForMail(to: "ana@example.org", containing: try #require(sent[string: "id"]))
            let keys = Dictionary(uniqueKeysWithValues: records.filter { $0["purpose"] == "dkim" }.compactMap { record in
                record["name"].flatMap { name in record["value"].map { (name, $0) } }
            })
            #expect(try PythonDKIMVerifier.verify(Array(mail.utf8), keys: keys) == ["rsa-sha256", "ed25519-sha256"])

            let sub = try await mesh.http(
                "POST", "/v1/comms/email", key: key, body: ["to": "ana@example.org", "subject": "s", "text": "t", "from": "x@news.mail.shop.example"])
            #expect(sub.status == 400 && sub[string: "field"] == "from")
            let settings = try await mesh.http("PUT", "/v1/comms/settings", key: key, body: ["default_from": "ceo@bank.example"])
            #expect(settings.status == 400 && settings[string: "field"] == "default_from")
            let deleted = try await mesh.http("DELETE", "/v1/comms/domains/\(id)", key: key)
            #expect(deleted.status == 204)
            let after = try await mesh.http(
                "POST", "/v1/comms/email", key: key, body: ["to": "ana@example.org", "subject": "s", "text": "t", "from": "hola@mail.shop.example"])
            #expect(after.status == 400 && after[string: "field"] == "from")
        } catch {
            Issue.record("comms log: \(mesh.log("comms").suffix(3000))")
            try await mesh.stop()
            throw error
        }
        try await mesh.stop()
    }
}
