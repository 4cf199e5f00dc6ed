import Foundation
import Testing
import Wire
@testable import CommsService
@testable import PurrpurrTestSupport

/// The client against the real aiosmtpd fixture, in plaintext (`tls=none`); TLS and AUTH: `SMTPClientTLSTests`.
@Suite("SMTPClient delivery")
struct SMTPClientDeliveryTests {
    private func relay(_ server: SMTPTestServer) -> SMTPRelay {
        SMTPRelay(host: "127.0.0.1", port: server.port, security: .none)
    }

    @Test("a message arrives byte for byte: dot-stuffed lines restored, bare LF and CR become CRLF")
    func plainDelivery() async throws {
        let server = try await SMTPTestServer.start()
        defer { server.stopNow() }
        let message = "From: a@example.test\nSubject: dots\n\n.leading dot\n..two dots\n.\nbare LF\r\nCRLF\rbare CR\nno end"
        let outcome = try await withSMTPTestClient { client in
            await client.send(
                SMTPEnvelope(mailFrom: "a@example.test", recipients: ["b@example.test"], data: Array(message.utf8)),
                via: relay(server))
        }
        #expect(outcome == .delivered(reply: "250 2.0.0 OK queued", rejected: []))
        let mail = try #require(try await server.waitForMessages(count: 1).first)
        #expect(mail.mailFrom == "a@example.test")
        #expect(mail.rcptTos == ["b@example.test"])
        let expected = "From: a@example.test\r\nSubject: dots\r\n\r\n.leading dot\r\n..two dots\r\n.\r\nbare LF\r\n"
            + "CRLF\r\nbare CR\r\nno end\r\n"
        #expect(mail.text == expected)
        #expect(mail.data == Array(expected.utf8))
        #expect(!mail.tls)
    }

    @Test("8-bit messages are declared BODY=8BITMIME and arrive intact")
    func eightBit() async throws {
        let server = try await SMTPTestServer.start()
        defer { server.stopNow() }
        let data = smtpTestMessage(body: "¡Hola, señor! 🐱\r\n")
        let outcome = try await withSMTPTestClient { client in
            await client.send(SMTPEnvelope(mailFrom: "a@example.test", recipients: ["b@example.test"], data: data),
                              via: relay(server))
        }
        #expect(outcome.deliveredReply != nil)
        #expect(try await server.waitForMessages(count: 1).first?.data == data)
    }

    @Test("several messages share one connection (RSET between), and idle connections are closed later")
    func reuse() async throws {
        let server = try await SMTPTestServer.start()
        defer { server.stopNow() }
        try await withSMTPTestClient({ $0.idleTimeout = .seconds(2) }) { client in
            for index in 1...3 {
                let outcome = await client.send(
                    SMTPEnvelope(mailFrom: "a@example.test", recipients: ["b\(index)@example.test"],
                                 data: smtpTestMessage(subject: "n\(index)")),
                    via: relay(server))
                #expect(outcome.deliveredReply != nil)
            }
            #expect(client.connectionsOpened == 1)
            #expect(client.openConnections == 1)
            let deadline = ContinuousClock.now + .seconds(10)
            while client.openConnections > 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(client.openConnections == 0)
        }
        let mails = try await server.waitForMessages(count: 3)
        #expect(mails.map(\.rcptTos) == [["b1@example.test"], ["b2@example.test"], ["b3@example.test"]])
        #expect(Set(mails.map(\.connection)) == [1])
    }

    @Test("an idle connection the relay closed is replaced: the next message goes out on a new one")
    func serverClosedIdleConnection() async throws {
        let server = try await SMTPTestServer.start(.init(idleTimeout: .milliseconds(1500)))
        defer { server.stopNow() }
        let envelope = SMTPEnvelope(mailFrom: "a@example.test", recipients: ["b@example.test"], data: smtpTestMessage())
        try await withSMTPTestClient { client in
            #expect(await client.send(envelope, via: relay(server)).deliveredReply != nil)
            try await Task.sleep(for: .milliseconds(3000))
            #expect(await client.send(envelope, via: relay(server)).deliveredReply != nil)
            #expect(client.connectionsOpened == 2)
            #expect(client.openConnections == 1)
        }
        #expect(try await server.waitForMessages(count: 2).map(\.connection) == [1, 2])
    }

    @Test("451 on the message: a temporary failure, then delivered once on retry")
    func tempfailThenAccept() async throws {
        let server = try await SMTPTestServer.start(.init(tempfailFirst: 1))
        defer { server.stopNow() }
        let envelope = SMTPEnvelope(mailFrom: "a@example.test", recipients: ["b@example.test"], data: smtpTestMessage())
        let (first, second) = try await withSMTPTestClient { client in
            (await client.send(envelope, via: relay(server)), await client.send(envelope, via: relay(server)))
        }
        #expect(first == .temporaryFailure(detail: "message refused: 451 4.7.1 Try again later"))
        #expect(second.deliveredReply != nil)
        try await Task.sleep(for: .milliseconds(200))
        #expect(try server.messages().count == 1)
    }

    @Test("the only recipient unknown: a permanent failure marked userUnknown, nothing delivered")
    func userUnknown() async throws {
        let server = try await SMTPTestServer.start(.init(rejectRecipients: ["nobody@example.test": "550:5.1.1 User unknown"]))
        defer { server.stopNow() }
        let outcome = try await withSMTPTestClient { client in
            await client.send(
                SMTPEnvelope(mailFrom: "a@example.test", recipients: ["nobody@example.test"], data: smtpTestMessage()),
                via: relay(server))
        }
        let rejection = SMTPRejection(
            recipient: "nobody@example.test", reply: "550 5.1.1 User unknown", isPermanent: true, userUnknown: true)
        #expect(outcome == .permanentFailure(detail: "every recipient refused: 550 5.1.1 User unknown", rejected: [rejection]))
        try await Task.sleep(for: .milliseconds(100))
        #expect(try server.messages().isEmpty)
    }

    @Test("one of two recipients refused: delivered to the other, the refusal reported")
    func partialRejection() async throws {
        let server = try await SMTPTestServer.start(.init(rejectRecipients: ["gone@example.test": "550:5.1.1 User unknown"]))
        defer { server.stopNow() }
        let outcome = try await withSMTPTestClient { client in
            await client.send(
                SMTPEnvelope(mailFrom: "a@example.test", recipients: ["gone@example.test", "here@example.test"],
                             data: smtpTestMessage()),
                via: relay(server))
        }
        #expect(outcome == .delivered(reply: "250 2.0.0 OK queued", rejected: [SMTPRejection(
            recipient: "gone@example.test", reply: "550 5.1.1 User unknown", isPermanent: true, userUnknown: true)]))
        #expect(try await server.waitForMessages(count: 1).first?.rcptTos == ["here@example.test"])
    }

    @Test("every recipient refused, one with 4xx: a temporary failure")
    func transientRecipients() async throws {
        let server = try await SMTPTestServer.start(.init(rejectRecipients: [
            "busy@example.test": "450:4.2.1 Mailbox busy", "gone@example.test": "550:5.1.1 User unknown",
        ]))
        defer { server.stopNow() }
        let outcome = try await withSMTPTestClient { client in
            await client.send(
                SMTPEnvelope(mailFrom: "a@example.test", recipients: ["gone@example.test", "busy@example.test"],
                             data: smtpTestMessage()),
                via: relay(server))
        }
        #expect(outcome == .temporaryFailure(detail: "every recipient refused: 450 4.2.1 Mailbox busy"))
    }

    @Test("5xx to the message: a permanent failure; the connection stays usable")
    func rejectedData() async throws {
        let server = try await SMTPTestServer.start(.init(rejectData: "554:5.6.0 Message rejected"))
        defer { server.stopNow() }
        try await withSMTPTestClient { client in
            for _ in 1...2 {
                let outcome = await client.send(
                    SMTPEnvelope(mailFrom: "a@example.test", recipients: ["b@example.test"], data: smtpTestMessage()),
                    via: relay(server))
                #expect(outcome == .permanentFailure(detail: "message refused: 554 5.6.0 Message rejected", rejected: []))
            }
            #expect(client.connectionsOpened == 1)
        }
    }

    @Test("a relay that stops answering: a temporary failure within the configured timeout", arguments: [
        "CONNECT", "EHLO", "MAIL", "RCPT", "DATA", "MESSAGE",
    ])
    func stall(point: String) async throws {
        let server = try await SMTPTestServer.start(.init(stallAfter: point))
        defer { server.stopNow() }
        let started = ContinuousClock.now
        let outcome = try await withSMTPTestClient({
            $0.commandTimeout = .milliseconds(400)
            $0.dataTimeout = .milliseconds(600)
        }) { client in
            await client.send(
                SMTPEnvelope(mailFrom: "a@example.test", recipients: ["b@example.test"], data: smtpTestMessage()),
                via: relay(server))
        }
        let elapsed = ContinuousClock.now - started
        let detail = try #require(outcome.temporaryDetail)
        #expect(detail.hasPrefix("timed out waiting for"), "\(detail)")
        #expect(elapsed < .seconds(8))  // far below the 30 s default: the configured timeouts applied
        #expect(try server.messages().isEmpty)
    }

    @Test("all connections busy: a bounded wait, then a temporary failure naming the connection limit")
    func connectionLimit() async throws {
        let server = try await SMTPTestServer.start(.init(stallAfter: "MESSAGE"))
        defer { server.stopNow() }
        try await withSMTPTestClient({
            $0.maxConnections = 1
            $0.connectionWaitTimeout = .milliseconds(300)
            $0.dataTimeout = .seconds(2)
        }) { client in
            let envelope = SMTPEnvelope(mailFrom: "a@example.test", recipients: ["b@example.test"], data: smtpTestMessage())
            let relay = relay(server)
            let first = Task { await client.send(envelope, via: relay) }
            let deadline = ContinuousClock.now + .seconds(3)
            while client.openConnections == 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            let second = await client.send(envelope, via: relay)
            #expect(second.temporaryDetail?.hasPrefix("connection limit") == true)
            #expect(await first.value.temporaryDetail?.hasPrefix("timed out") == true)
            #expect(client.openConnections == 0)
        }
    }

    @Test("nothing listening: a temporary failure")
    func refusedConnection() async throws {
        let server = try await SMTPTestServer.start()
        let port = server.port
        await server.stop()
        let outcome = try await withSMTPTestClient { client in
            await client.send(
                SMTPEnvelope(mailFrom: "a@example.test", recipients: ["b@example.test"], data: smtpTestMessage()),
                via: SMTPRelay(host: "127.0.0.1", port: port, security: .none))
        }
        #expect(outcome.temporaryDetail?.hasPrefix("cannot connect to the relay") == true)
    }

    @Test("envelopes that could smuggle commands are refused before connecting", arguments: [
        SMTPEnvelope(mailFrom: "a@example.test", recipients: [], data: []),
        SMTPEnvelope(mailFrom: "a@example.test\r\nRCPT TO:<x@evil.test>", recipients: ["b@example.test"], data: []),
        SMTPEnvelope(mailFrom: "a@example.test", recipients: ["b@example.test>"], data: []),
        SMTPEnvelope(mailFrom: "a@example.test", recipients: [""], data: []),
    ])
    func invalidEnvelope(envelope: SMTPEnvelope) async throws {
        let outcome = try await withSMTPTestClient { client in
            let outcome = await client.send(envelope, via: SMTPRelay(host: "127.0.0.1", port: 9, security: .none))
            #expect(client.connectionsOpened == 0)
            return outcome
        }
        #expect(outcome.permanentDetail != nil)
    }

    @Test("after shutdown, sends fail temporarily and no connection stays open")
    func shutdown() async throws {
        let server = try await SMTPTestServer.start()
        defer { server.stopNow() }
        let group = try EventLoopGroup(loopCount: 1)
        let client = SMTPClient(group: group, configuration: SMTPClientConfiguration())
        let envelope = SMTPEnvelope(mailFrom: "a@example.test", recipients: ["b@example.test"], data: smtpTestMessage())
        #expect(await client.send(envelope, via: relay(server)).deliveredReply != nil)
        await client.shutdown()
        #expect(client.openConnections == 0)
        #expect(await client.send(envelope, via: relay(server)) == .temporaryFailure(detail: "the SMTP client is shut down"))
        await group.shutdownGracefully()
    }
}
