import Foundation
import Testing
import Wire
@testable import Purrpurr

@Suite("MailCatcher over TCP")
struct MailCatcherServerTests {
    /// Runs `body` with a catcher on its own loop and folder; stops both afterwards.
    private func withCatcher(
        maxMessageBytes: Int = 10 << 20, idleTimeout: Duration = .seconds(300),
        _ body: (MailCatcher, String) async throws -> Void
    ) async throws {
        let root = mailTestDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let directory = root + "/nested/mail"
        let group = try EventLoopGroup(loopCount: 1)
        let catcher = try MailCatcher.start(
            directory: directory, group: group, maxMessageBytes: maxMessageBytes, idleTimeout: idleTimeout)
        do {
            try await body(catcher, directory)
        } catch {
            await catcher.stop()
            await group.shutdownGracefully()
            throw error
        }
        await catcher.stop()
        await group.shutdownGracefully()
    }

    @Test("Python's smtplib delivers a multipart message with SMTPUTF8; CaughtMail reads it back")
    func pythonClient() async throws {
        try await withCatcher { catcher, directory in
            let script = """
                import smtplib, sys
                from email.message import EmailMessage
                m = EmailMessage()
                m["From"] = "Purrpurr <no-reply@purrpurr.local>"
                m["To"] = "Ana <ana@example.com>, zoë@exämple.test"
                m["Subject"] = "¡Hola Ana! Your sign-in link"
                link = "https://app.example/auth/magic?token=abc&project=p1"
                m.set_content("Sign in:\\n\\n" + link + "\\n\\n.a line with a dot\\n")
                html = '<p><a href="' + link.replace("&", "&amp;") + '">Sign in</a></p>'
                m.add_alternative(html, subtype="html")
                with smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=10) as s:
                    s.send_message(
                        m, from_addr="no-reply@purrpurr.local", to_addrs=["ana@example.com", "zoë@exämple.test"])
                """
            let status = try await runPython(script, arguments: [String(catcher.port)])
            #expect(status == 0)
            let mails = try CaughtMail.all(in: directory)
            try #require(mails.count == 1)
            let mail = mails[0]
            #expect(mail.subject == "¡Hola Ana! Your sign-in link")
            #expect(mail.envelopeFrom == "no-reply@purrpurr.local")
            #expect(mail.envelopeTo == ["ana@example.com", "zoë@exämple.test"])
            #expect(mail.links == ["https://app.example/auth/magic?token=abc&project=p1"])
            #expect(mail.text?.contains("\n.a line with a dot\n") == true)
            #expect(mail.html?.contains("Sign in</a>") == true)
            #expect(catcher.storedMessageCount == 1)
        }
    }

    @Test("what the Comms SMTP client sends, pipelined in one write, is answered in order and stored")
    func commsStyleTranscript() async throws {
        try await withCatcher { catcher, directory in
            let client = try MailTestClient(port: catcher.port)
            #expect(client.codes(1) == ["220"])
            client.send("EHLO purrpurr.local\r\n")
            let ehlo = client.replies(1).first ?? ""
            #expect(ehlo.contains("250-SIZE 10485760") && ehlo.contains("250 PIPELINING") && ehlo.contains("SMTPUTF8"))
            let message = "From: a@x.test\r\nTo: b@y.test\r\nSubject: t\r\n\r\n..dot\r\nbody\r\n"
            let size = message.utf8.count
            client.send("MAIL FROM:<a@x.test> SIZE=\(size) BODY=8BITMIME\r\nRCPT TO:<b@y.test>\r\nDATA\r\n")
            #expect(client.codes(3) == ["250", "250", "354"])
            client.send(message + ".\r\nQUIT\r\n")
            let replies = client.replies(2)
            #expect(replies.first?.hasPrefix("250 OK queued as ") == true)
            #expect(replies.last?.hasPrefix("221") == true)
            #expect(client.isClosedByServer())
            let name = String(replies.first?.dropFirst("250 OK queued as ".count) ?? "")
            let stored = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
            #expect(stored == "X-Purrpurr-Envelope-From: <a@x.test>\r\nX-Purrpurr-Envelope-To: <b@y.test>\r\n"
                + message.replacingOccurrences(of: "..dot", with: ".dot"))
        }
    }

    @Test("a client that ends its input right after the message still gets it stored and answered")
    func endOfInputAfterMessage() async throws {
        try await withCatcher { catcher, directory in
            let client = try MailTestClient(port: catcher.port)
            client.send("HELO a\nMAIL FROM:<a@b>\nRCPT TO:<c@d>\nDATA\nSubject: eof\n\nbye\n.\n")
            client.finishSending()
            let codes = client.codes(6)
            #expect(codes == ["220", "250", "250", "250", "354", "250"])
            #expect(client.isClosedByServer())
            #expect(try CaughtMail.newest(in: directory)?.subject == "eof")
        }
    }

    @Test("an oversize message gets 552 over the socket and leaves no file")
    func oversize() async throws {
        try await withCatcher(maxMessageBytes: 100) { catcher, directory in
            let client = try MailTestClient(port: catcher.port)
            client.send("EHLO a\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n")
            #expect(client.codes(5) == ["220", "250", "250", "250", "354"])
            client.send(String(repeating: "x", count: 300) + "\r\n.\r\nNOOP\r\n")
            #expect(client.codes(2) == ["552", "250"])
            #expect(try CaughtMail.files(in: directory).isEmpty)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
        }
    }

    @Test("a silent client gets 421 after the idle timeout and is disconnected")
    func idleTimeout() async throws {
        try await withCatcher(idleTimeout: .milliseconds(200)) { catcher, _ in
            let client = try MailTestClient(port: catcher.port)
            #expect(client.codes(1) == ["220"])
            client.send("NOOP\r\n")
            #expect(client.codes(1) == ["250"])
            let started = ContinuousClock.now
            #expect(client.codes(1) == ["421"])
            #expect(ContinuousClock.now - started >= .milliseconds(150))
            #expect(client.isClosedByServer())
        }
    }

    @Test("stop() tells open sessions 421, closes them, and refuses new connections")
    func stop() async throws {
        let directory = mailTestDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let group = try EventLoopGroup(loopCount: 1)
        let catcher = try MailCatcher.start(directory: directory, group: group)
        let client = try MailTestClient(port: catcher.port)
        client.send("EHLO a\r\n")
        #expect(client.codes(2) == ["220", "250"])
        await catcher.stop()
        #expect(client.codes(1) == ["421"])
        #expect(client.isClosedByServer())
        #expect(throws: (any Error).self) { try MailTestClient(port: catcher.port) }
        await group.shutdownGracefully()
    }

    @Test("a message that cannot be written gets 451, and the session goes on")
    func writeFailure() async throws {
        try await withCatcher { catcher, directory in
            try FileManager.default.removeItem(atPath: directory)
            #expect(FileManager.default.createFile(atPath: directory, contents: Data("not a folder".utf8)))
            let client = try MailTestClient(port: catcher.port)
            client.send("HELO a\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\nhi\r\n.\r\nNOOP\r\n")
            #expect(client.codes(7) == ["220", "250", "250", "250", "354", "451", "250"])
            try FileManager.default.removeItem(atPath: directory)
        }
    }

    /// Runs `/usr/bin/python3 -c script arguments…` and returns its exit status.
    private func runPython(_ script: String, arguments: [String]) async throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script] + arguments
        process.standardInput = FileHandle.nullDevice
        return try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
    }
}
