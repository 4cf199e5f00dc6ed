import Contracts
import Foundation
import ServiceKit
import Testing
@testable import CommsService
@testable import PurrpurrTestSupport

/// Sender domains and the sender policy against PostgreSQL, a real DNS server on loopback and dkimpy.
@Suite("Sender domains (PostgreSQL, DNS)", .enabled(if: CommsHarness.databaseURL != nil, CommsHarness.disabledReason))
struct SenderDomainsTests {
    static func harness(_ dns: DNSTestServer) async throws -> CommsHarness {
        try await harness(resolver: dns.address)
    }

    static func harness(resolver: String) async throws -> CommsHarness {
        try await CommsHarness(environment: ["COMMS_DNS_RESOLVER": resolver], transport: ScriptedTransport())
    }

    static func messageCount(_ harness: CommsHarness) async throws -> Int {
        let rows = try await harness.pool.query("SELECT count(*)::int FROM \(harness.schema).messages", [])
        return try rows[0].decode(Int.self, at: 0)
    }

    static func publish(_ domain: DomainView, on dns: DNSTestServer, purposes: Set<String>) throws {
        var records: DNSTestServer.Records = [:]
        for record in domain.records where purposes.contains(record.purpose) {
            records[record.name] = ["TXT": [record.value]]
        }
        try dns.setRecords(records)
    }

    /// The domain's DKIM records (name → value), for ``PythonDKIMVerifier``.
    static func dkimKeys(_ domain: DomainView) -> [String: String] {
        Dictionary(uniqueKeysWithValues: domain.records.filter { $0.purpose == "dkim" }.map { ($0.name, $0.value) })
    }

    @Test("a new domain is pending with SPF, DKIM (RSA 2048 and Ed25519) and DMARC records; its keys are sealed for its row")
    func create() async throws {
        let harness = try await Self.harness(resolver: "127.0.0.1:9")
        let domains = harness.handlers.domains
        let domain = try await domains.create(CreateDomainRequest(name: "Mail.Example.TEST."), projectID: "prj_a")
        #expect(domain.id.hasPrefix("dom_") && domain.name == "mail.example.test" && domain.status == "pending")
        #expect(domain.failure == nil && domain.verifiedAt == nil)
        #expect(domain.records.map(\.purpose) == ["spf", "dkim", "dkim", "dmarc"])
        #expect(domain.records[0] == DomainRecordView(
            type: "TXT", name: "mail.example.test", value: "v=spf1 include:_spf.mail.purrpurr.test ~all", purpose: "spf"))
        let dkim = domain.records[1]
        #expect(dkim.type == "TXT" && dkim.name.hasSuffix("._domainkey.mail.example.test"))
        #expect(dkim.value.hasPrefix("v=DKIM1; k=rsa; p="))
        #expect(Data(base64Encoded: String(dkim.value.dropFirst("v=DKIM1; k=rsa; p=".count)))?.count == 294)
        let ed25519 = domain.records[2]
        #expect(ed25519.name.hasSuffix("e._domainkey.mail.example.test") && dkim.name.hasSuffix("r._domainkey.mail.example.test"))
        #expect(ed25519.name.dropLast("e._domainkey.mail.example.test".count) == dkim.name.dropLast("r._domainkey.mail.example.test".count))
        #expect(ed25519.value.hasPrefix("v=DKIM1; k=ed25519; p="))
        #expect(Data(base64Encoded: String(ed25519.value.dropFirst("v=DKIM1; k=ed25519; p=".count)))?.count == 32)
        #expect(domain.records[3] == DomainRecordView(
            type: "TXT", name: "_dmarc.mail.example.test", value: "v=DMARC1; p=none;", purpose: "dmarc"))

        let stored = try #require(try await harness.store.domain(id: domain.id, projectID: "prj_a"))
        let sealer = DomainKeySealer(key: harness.config.masterKey)
        let key = try sealer.open(stored.keys.sealedKey, projectID: "prj_a", domainID: domain.id)
        #expect(Data(key.publicKeyDER).base64EncodedString() == stored.keys.publicKey)
        #expect(throws: CryptoError.self) { try sealer.open(stored.keys.sealedKey, projectID: "prj_b", domainID: domain.id) }
        #expect(!stored.keys.sealedKey.starts(with: key.derRepresentation.prefix(8)))
        let edKey = try sealer.openEd25519(stored.keys.ed25519SealedKey, projectID: "prj_a", domainID: domain.id)
        #expect(Data(edKey.publicKey.rawRepresentation).base64EncodedString() == stored.keys.ed25519PublicKey)
        #expect(throws: CryptoError.self) { try sealer.openEd25519(stored.keys.sealedKey, projectID: "prj_a", domainID: domain.id) }
        #expect(throws: CryptoError.self) { try sealer.open(stored.keys.ed25519SealedKey, projectID: "prj_a", domainID: domain.id) }

        let again = await CommsHandlersTests.failure {
            _ = try await domains.create(CreateDomainRequest(name: "mail.example.test"), projectID: "prj_a")
        }
        #expect(again?.code.rawValue == "CONFLICT" && again?.field == "name")
        // Another project may add the same name (it must prove control of it too).
        _ = try await domains.create(CreateDomainRequest(name: "mail.example.test"), projectID: "prj_b")
        for id in [domain.id, "dom_aaaaaaaaaaaaaaaaaaaa", "nope"] {
            let missing = await CommsHandlersTests.failure { _ = try await domains.get(DomainIDRequest(id: id), projectID: "prj_c") }
            #expect(missing?.code.rawValue == "NOT_FOUND")
            let verify = await CommsHandlersTests.failure { _ = try await domains.verify(DomainIDRequest(id: id), projectID: "prj_c") }
            #expect(verify?.code.rawValue == "NOT_FOUND")
            let delete = await CommsHandlersTests.failure { _ = try await domains.delete(DomainIDRequest(id: id), projectID: "prj_c") }
            #expect(delete?.code.rawValue == "NOT_FOUND")
        }
        #expect(try await domains.get(DomainIDRequest(id: domain.id), projectID: "prj_a") == domain)
        await harness.close()
    }

    @Test("bad names are VALIDATION_FAILED naming name, and nothing is stored", arguments: [
        "", "localhost", "192.0.2.1", "[::1]", "-a.example.com", "a-.example.com", "a_b.example.com", "ex ample.com",
        "a..example.com", "example.123", "mail.purrpurr.test", "x.mail.purrpurr.test", "purrpurr.test", "bücher.example",
        String(repeating: "a.", count: 127) + "com", String(repeating: "a", count: 64) + ".com",
    ])
    func badNames(_ name: String) async throws {
        let harness = try await Self.harness(resolver: "127.0.0.1:9")
        let error = await CommsHandlersTests.failure {
            _ = try await harness.handlers.domains.create(CreateDomainRequest(name: name), projectID: "prj_a")
        }
        #expect(error?.code.rawValue == "VALIDATION_FAILED" && error?.field == "name")
        #expect(try await harness.handlers.domains.list(PageQuery(), projectID: "prj_a").data.isEmpty)
        await harness.close()
    }

    @Test("lists are newest first with working cursors; a deleted domain is gone")
    func listAndDelete() async throws {
        let harness = try await Self.harness(resolver: "127.0.0.1:9")
        let domains = harness.handlers.domains
        var ids: [String] = []
        for name in ["a.example.test", "b.example.test", "c.example.test"] {
            ids.append(try await domains.create(CreateDomainRequest(name: name), projectID: "prj_a").id)
        }
        let first = try await domains.list(PageQuery(limit: 2), projectID: "prj_a")
        let second = try await domains.list(PageQuery(limit: 2, cursor: first.nextCursor), projectID: "prj_a")
        #expect((first.data + second.data).map(\.id) == ids.reversed() && second.nextCursor == nil)
        #expect(try await domains.list(PageQuery(), projectID: "prj_b").data.isEmpty)
        _ = try await domains.delete(DomainIDRequest(id: ids[0]), projectID: "prj_a")
        let gone = await CommsHandlersTests.failure { _ = try await domains.get(DomainIDRequest(id: ids[0]), projectID: "prj_a") }
        #expect(gone?.code.rawValue == "NOT_FOUND")
        await harness.close()
    }
}
