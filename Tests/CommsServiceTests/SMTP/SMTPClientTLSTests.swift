import Foundation
import Testing
import Wire
@testable import CommsService
@testable import PurrpurrTestSupport

/// STARTTLS, implicit TLS, certificate checks and AUTH against the real aiosmtpd fixture.
@Suite("SMTPClient TLS and AUTH")
struct SMTPClientTLSTests {
    private static func envelope() -> SMTPEnvelope {
        SMTPEnvelope(mailFrom: "a@example.test", recipients: ["b@example.test"], data: smtpTestMessage())
    }

    @Test("STARTTLS with the test CA: delivered over TLS (certificate checked against the IP address)")
    func startTLS() async throws {
        let certificates = try SMTPTestCertificates.make()
        defer { certificates.remove() }
        let server = try await SMTPTestServer.start(.init(tls: certificates, requireTLS: true))
        defer { server.stopNow() }
        let outcome = try await withSMTPTestClient({ $0.trustRootsPath = certificates.caPath }) { client in
            await client.send(Self.envelope(), via: SMTPRelay(host: "127.0.0.1", port: server.port, security: .starttls))
        }
        #expect(outcome.deliveredReply != nil, "\(outcome)")
        #expect(try await server.waitForMessages(count: 1).first?.tls == true)
    }

    @Test("STARTTLS with a certificate from another CA: a temporary failure, nothing delivered")
    func wrongCA() async throws {
        let certificates = try SMTPTestCertificates.make()
        let other = try SMTPTestCertificates.make()
        defer { certificates.remove(); other.remove() }
        let server = try await SMTPTestServer.start(.init(tls: certificates))
        defer { server.stopNow() }
        let outcome = try await withSMTPTestClient({ $0.trustRootsPath = other.caPath }) { client in
            await client.send(Self.envelope(), via: SMTPRelay(host: "localhost", port: server.port, security: .starttls))
        }
        let detail = try #require(outcome.temporaryDetail)
        #expect(detail.contains("TLS"), "\(detail)")
        try await Task.sleep(for: .milliseconds(100))
        #expect(try server.messages().isEmpty)
    }

    @Test("a certificate for another name: refused before anything is sent")
    func wrongName() async throws {
        let certificates = try SMTPTestCertificates.make(dnsName: "mail.example.test", ipAddresses: [])
        defer { certificates.remove() }
        let server = try await SMTPTestServer.start(.init(tls: certificates, implicitTLS: true))
        defer { server.stopNow() }
        let outcome = try await withSMTPTestClient({ $0.trustRootsPath = certificates.caPath }) { client in
            await client.send(Self.envelope(), via: SMTPRelay(host: "127.0.0.1", port: server.port, security: .implicit))
        }
        let detail = try #require(outcome.temporaryDetail)
        #expect(detail.contains("name mismatch"), "\(detail)")
        #expect(try server.messages().isEmpty)
    }

    @Test("implicit TLS (port-465 style)")
    func implicitTLS() async throws {
        let certificates = try SMTPTestCertificates.make()
        defer { certificates.remove() }
        let server = try await SMTPTestServer.start(.init(tls: certificates, implicitTLS: true))
        defer { server.stopNow() }
        let outcome = try await withSMTPTestClient({ $0.trustRootsPath = certificates.caPath }) { client in
            await client.send(Self.envelope(), via: SMTPRelay(host: "localhost", port: server.port, security: .implicit))
        }
        #expect(outcome.deliveredReply != nil, "\(outcome)")
        #expect(try await server.waitForMessages(count: 1).first?.tls == true)
    }

    @Test("STARTTLS required but not offered: a temporary failure and nothing sent")
    func startTLSNotOffered() async throws {
        let server = try await SMTPTestServer.start()
        defer { server.stopNow() }
        let outcome = try await withSMTPTestClient { client in
            await client.send(Self.envelope(), via: SMTPRelay(host: "127.0.0.1", port: server.port, security: .starttls))
        }
        #expect(outcome == .temporaryFailure(detail: "relay does not offer STARTTLS"))
        #expect(try server.messages().isEmpty)
    }

    @Test("AUTH PLAIN and AUTH LOGIN over STARTTLS", arguments: [["PLAIN", "LOGIN"], ["LOGIN"]])
    func auth(mechanisms: [String]) async throws {
        let certificates = try SMTPTestCertificates.make()
        defer { certificates.remove() }
        let server = try await SMTPTestServer.start(.init(
            tls: certificates, auth: ("mailer", "s3cret:with@odd/chars"), authMechanisms: mechanisms))
        defer { server.stopNow() }
        let relay = try SMTPRelay(url: "smtp://mailer:s3cret%3Awith%40odd%2Fchars@127.0.0.1:\(server.port)")
        let outcome = try await withSMTPTestClient({ $0.trustRootsPath = certificates.caPath }) { client in
            await client.send(Self.envelope(), via: relay)
        }
        #expect(outcome.deliveredReply != nil, "\(outcome)")
        let mail = try #require(try await server.waitForMessages(count: 1).first)
        #expect(mail.authUser == "mailer")
        #expect(mail.tls)
    }

    @Test("a wrong password: a permanent failure with the 535, password not in the detail; no connection reuse across passwords")
    func wrongPassword() async throws {
        let server = try await SMTPTestServer.start(.init(auth: ("mailer", "right")))
        defer { server.stopNow() }
        let good = SMTPRelay(host: "127.0.0.1", port: server.port, security: .none, username: "mailer", password: "right")
        var bad = good
        bad.password = "hunter2"
        try await withSMTPTestClient { client in
            #expect(await client.send(Self.envelope(), via: good).deliveredReply != nil)
            let outcome = await client.send(Self.envelope(), via: bad)
            let detail = try #require(outcome.permanentDetail)
            #expect(detail.contains("535"), "\(detail)")
            #expect(!detail.contains("hunter2"))
            #expect(client.connectionsOpened == 2)
        }
        #expect(try server.messages().count == 1)
    }

    @Test("a relay requiring TLS, reached with tls=none: MAIL FROM refused with 530, permanently")
    func requireTLSRefused() async throws {
        let certificates = try SMTPTestCertificates.make()
        defer { certificates.remove() }
        let server = try await SMTPTestServer.start(.init(tls: certificates, requireTLS: true))
        defer { server.stopNow() }
        let outcome = try await withSMTPTestClient { client in
            await client.send(Self.envelope(), via: SMTPRelay(host: "127.0.0.1", port: server.port, security: .none))
        }
        #expect(outcome.permanentDetail?.hasPrefix("MAIL FROM refused: 530") == true, "\(outcome)")
    }
}
