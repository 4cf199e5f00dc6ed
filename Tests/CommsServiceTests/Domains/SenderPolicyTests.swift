import Contracts
import Foundation
import ServiceKit
import Testing
@testable import CommsService
@testable import PurrpurrTestSupport

/// Verification against DNS and who may send: only verified domains of the project, or the platform's sender.
@Suite("Sender policy and DKIM at accept time (PostgreSQL, DNS, dkimpy)", .enabled(if: CommsHarness.databaseURL != nil, CommsHarness.disabledReason))
struct SenderPolicyTests {
    static func body(_ harness: CommsHarness, _ id: String) async throws -> [UInt8] {
        let rows = try await harness.pool.query("SELECT body FROM \(harness.schema).messages WHERE id = $1", [id])
        return try rows[0].decode([UInt8].self, at: 0)
    }

    @Test("verify fails naming SPF, then DKIM, until both match; re-verifying after a record goes away fails again")
    func verification() async throws {
        let dns = try await DNSTestServer.start()
        let harness = try await SenderDomainsTests.harness(dns)
        let domains = harness.handlers.domains
        let domain = try await domains.create(CreateDomainRequest(name: "mail.example.test"), projectID: "prj_a")
        let id = DomainIDRequest(id: domain.id)

        let nothing = try await domains.verify(id, projectID: "prj_a")
        #expect(nothing.status == "failed" && nothing.failure == "spf: no TXT record v=spf1 at mail.example.test")
        try dns.setRecords(["mail.example.test": ["TXT": ["v=spf1 include:_spf.other.test ~all"]]])
        #expect(try await domains.verify(id, projectID: "prj_a").failure?.hasPrefix("spf: the TXT record v=spf1") == true)
        try SenderDomainsTests.publish(domain, on: dns, purposes: ["spf"])
        let noKey = try await domains.verify(id, projectID: "prj_a")
        #expect(noKey.status == "failed" && noKey.failure == "dkim: no TXT record at \(domain.records[1].name)")
        try dns.setRecords([
            "mail.example.test": ["TXT": [domain.records[0].value]],
            domain.records[1].name: ["TXT": ["v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwrong"]],
        ])
        #expect(try await domains.verify(id, projectID: "prj_a").failure?.hasSuffix("does not hold the domain's public key") == true)

        try dns.setRecords([
            "mail.example.test": ["TXT": [domain.records[0].value]], domain.records[1].name: ["TXT": [domain.records[1].value]],
        ])
        let noEd25519 = try await domains.verify(id, projectID: "prj_a")
        #expect(noEd25519.status == "failed" && noEd25519.failure == "dkim: no TXT record at \(domain.records[2].name)")
        try SenderDomainsTests.publish(domain, on: dns, purposes: ["spf", "dkim"])
        let verified = try await domains.verify(id, projectID: "prj_a")
        #expect(verified.status == "verified" && verified.failure == nil && verified.verifiedAt != nil)
        #expect(try await domains.get(id, projectID: "prj_a").status == "verified")

        try SenderDomainsTests.publish(domain, on: dns, purposes: ["dkim"])
        #expect(try await domains.verify(id, projectID: "prj_a").status == "failed")
        try dns.setRecords(["mail.example.test": ["RCODE": "SERVFAIL"]])
        let broken = try await domains.verify(id, projectID: "prj_a")
        #expect(broken.failure == "spf: the DNS lookup of TXT mail.example.test failed (server failure (rcode 2))")
        await harness.close()
    }

    @Test("from must be the platform's sender or at a verified domain of the project; mail from it is DKIM-signed")
    func senders() async throws {
        let dns = try await DNSTestServer.start()
        let harness = try await SenderDomainsTests.harness(dns)
        let domains = harness.handlers.domains
        func refused(_ from: String, project: String = "prj_a") async -> PublicError? {
            await CommsHandlersTests.failure {
                _ = try await harness.send(SendEmailRequest(to: ["ana@example.org"], subject: "s", text: "t", from: from), project: project)
            }
        }
        // Unverified: refused, and nothing is stored.
        let domain = try await domains.create(CreateDomainRequest(name: "mail.example.test"), projectID: "prj_a")
        for from in ["ceo@bank.example", "Shop <hello@mail.example.test>"] {
            let error = await refused(from)
            #expect(error?.code.rawValue == "VALIDATION_FAILED" && error?.field == "from")
        }
        #expect(try await SenderDomainsTests.messageCount(harness) == 0)

        try SenderDomainsTests.publish(domain, on: dns, purposes: ["spf", "dkim"])
        #expect(try await domains.verify(DomainIDRequest(id: domain.id), projectID: "prj_a").status == "verified")
        let sent = try await harness.send(SendEmailRequest(
            to: ["ana@example.org"], subject: "Your order", text: "It ships today.", from: "Shop <hello@Mail.Example.test>"))
        let signed = try await Self.body(harness, sent.id)
        #expect(String(decoding: signed, as: UTF8.self).hasPrefix("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=mail.example.test; s=pp"))
        #expect(try PythonDKIMVerifier.verify(signed, keys: SenderDomainsTests.dkimKeys(domain)) == ["rsa-sha256", "ed25519-sha256"])

        // Exact domain only; another project's verified domain is not this one's.
        #expect(await refused("x@sub.mail.example.test")?.field == "from")
        #expect(await refused("x@example.test")?.field == "from")
        #expect(await refused("hello@mail.example.test", project: "prj_b")?.field == "from")

        // The platform's sender (any display name) is always allowed and not signed by a project's key.
        let platform = try await harness.send(SendEmailRequest(
            to: ["ana@example.org"], subject: "s", text: "t", from: "Acme via Purrpurr <NoReply@purrpurr.test>"))
        #expect(!String(decoding: try await Self.body(harness, platform.id), as: UTF8.self).contains("DKIM-Signature"))
        #expect(try await SenderDomainsTests.messageCount(harness) == 2)

        // A failed re-verification or a deleted domain stops it being a sender.
        try dns.setRecords([:])
        _ = try await domains.verify(DomainIDRequest(id: domain.id), projectID: "prj_a")
        #expect(await refused("hello@mail.example.test")?.field == "from")
        _ = try await domains.delete(DomainIDRequest(id: domain.id), projectID: "prj_a")
        #expect(await refused("hello@mail.example.test")?.field == "from")
        await harness.close()
    }

    @Test("default_from follows the same policy; Identity's mail keeps the platform's sender")
    func defaultSender() async throws {
        let dns = try await DNSTestServer.start()
        let harness = try await SenderDomainsTests.harness(dns)
        let handlers = harness.handlers
        let refused = await CommsHandlersTests.failure {
            _ = try await handlers.updateSettings(UpdateCommsSettingsRequest(defaultFrom: "ceo@bank.example"), projectID: "prj_a")
        }
        #expect(refused?.code.rawValue == "VALIDATION_FAILED" && refused?.field == "default_from")
        #expect(try await harness.store.settings(projectID: "prj_a").defaultFrom == nil)

        let builtIn = BuiltInTemplates.template(named: "identity.magiclink")!
        let magic = try await handlers.acceptor.accept(
            SendTemplatedEmailRequest(template: "identity.magiclink", to: ["u@example.org"],
                                      data: Dictionary(uniqueKeysWithValues: builtIn.variables.map { ($0, "v") })),
            projectID: "prj_a")
        #expect(String(decoding: try await Self.body(harness, magic.id), as: UTF8.self).contains("From: Purrpurr <noreply@purrpurr.test>"))

        let domain = try await handlers.domains.create(CreateDomainRequest(name: "example.test"), projectID: "prj_a")
        try SenderDomainsTests.publish(domain, on: dns, purposes: ["spf", "dkim"])
        _ = try await handlers.domains.verify(DomainIDRequest(id: domain.id), projectID: "prj_a")
        let view = try await handlers.updateSettings(UpdateCommsSettingsRequest(defaultFrom: "Acme <team@example.test>"), projectID: "prj_a")
        #expect(view.defaultFrom == "Acme <team@example.test>")
        let welcome = try await harness.send(SendEmailRequest(to: ["ana@example.org"], subject: "s", text: "t"))
        #expect(try PythonDKIMVerifier.verify(
            try await Self.body(harness, welcome.id), keys: SenderDomainsTests.dkimKeys(domain)).count == 2)
        await harness.close()
    }
}
