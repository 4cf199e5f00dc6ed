import Testing
@testable import Purrpurr

/// Drives a ``MailCatcherSession`` with text and reads back the reply codes and stores (no sockets).
private struct Driver {
    var session: MailCatcherSession
    var stored: [MailCatcherEnvelope] = []

    init(maxMessageBytes: Int = 10 << 20, greeted: Bool = true) {
        session = MailCatcherSession(maxMessageBytes: maxMessageBytes)
        _ = session.connectionOpened()
        if greeted { _ = send("EHLO client.test\r\n") }
    }

    /// Sends `text`; returns the reply codes, and "store" for each store (answered by `storeResult`).
    @discardableResult
    mutating func send(_ text: String, storeResult: Bool = true) -> [String] {
        run(session.received(Array(text.utf8)), storeResult: storeResult)
    }

    mutating func run(_ actions: [MailCatcherSession.Action], storeResult: Bool = true) -> [String] {
        var results: [String] = []
        for action in actions {
            switch action {
            case .reply(let reply): results.append(String(reply.code))
            case .close: results.append("close")
            case .store(let envelope):
                stored.append(envelope)
                results.append("store")
                results += run(
                    storeResult ? session.messageStored(name: "m\(stored.count).eml") : session.messageNotStored())
            }
        }
        return results
    }
}

@Suite("MailCatcherSession")
struct MailCatcherSessionTests {
    @Test("greets with 220 and advertises the extensions in EHLO")
    func greetingAndEHLO() {
        var session = MailCatcherSession(maxMessageBytes: 1234)
        guard case .reply(let greeting) = session.connectionOpened().first else {
            Issue.record("no greeting")
            return
        }
        #expect(greeting.code == 220)
        let actions = session.received(Array("EHLO me.test\r\n".utf8))
        guard case .reply(let reply) = actions.first else {
            Issue.record("no reply")
            return
        }
        #expect(reply.description == "250-localhost Purrpurr mail catcher\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n"
            + "250-SIZE 1234\r\n250 PIPELINING\r\n")
        #expect(session.state == .idle)
    }

    @Test("a whole transaction stores the envelope and the unstuffed content, then 250")
    func goodSession() {
        var driver = Driver()
        #expect(driver.send("MAIL FROM:<a@x.test> SIZE=100 BODY=8BITMIME\r\n") == ["250"])
        #expect(driver.send("RCPT TO:<b@y.test>\r\n") == ["250"])
        #expect(driver.send("RCPT TO: <c@y.test>\r\n") == ["250"])
        #expect(driver.send("DATA\r\n") == ["354"])
        #expect(driver.send("Subject: hi\r\n\r\n..leading dot\r\n.\r\n") == ["store", "250"])
        #expect(driver.stored == [MailCatcherEnvelope(
            from: "a@x.test", recipients: ["b@y.test", "c@y.test"],
            content: Array("Subject: hi\r\n\r\n.leading dot\r\n".utf8))])
        #expect(driver.send("QUIT\r\n") == ["221", "close"])
        #expect(driver.session.state == .closed)
        #expect(driver.send("NOOP\r\n").isEmpty)
    }

    @Test("the 250 after a store names the file")
    func queuedAs() {
        var session = MailCatcherSession(maxMessageBytes: 100)
        _ = session.received(Array("HELO a\r\nMAIL FROM:<>\r\nRCPT TO:<b@c>\r\nDATA\r\nhi\r\n.\r\n".utf8))
        #expect(session.state == .storing)
        #expect(session.messageStored(name: "x.eml") == [.reply(MailCatcherReply(250, "OK queued as x.eml"))])
    }

    @Test("commands out of order get 503", arguments: [
        ("MAIL FROM:<a@b>\r\n", false),
        ("RCPT TO:<a@b>\r\n", true),
        ("DATA\r\n", true),
    ])
    func badOrder(command: String, greeted: Bool) {
        var driver = Driver(greeted: greeted)
        #expect(driver.send(command) == ["503"])
    }

    @Test("DATA without a recipient, nested MAIL: 503")
    func dataWithoutRecipient() {
        var driver = Driver()
        #expect(driver.send("MAIL FROM:<a@b>\r\nDATA\r\nMAIL FROM:<a@b>\r\n") == ["250", "503", "503"])
    }

    @Test("unknown commands 502, VRFY 252, NOOP/RSET 250, empty line 500, bad syntax 501")
    func otherCommands() {
        var driver = Driver()
        #expect(driver.send("STARTTLS\r\nAUTH PLAIN x\r\nVRFY a\r\nNOOP\r\nRSET\r\n\r\n") ==
            ["502", "502", "252", "250", "250", "500"])
        #expect(driver.send("MAIL TO:<a@b>\r\nMAIL FROM:<a@b\r\nEHLO\r\n") == ["501", "501", "501"])
        #expect(driver.send("MAIL FROM:<a@b> FOO=1\r\n") == ["555"])
        #expect(driver.send("MAIL FROM:<a@b> SIZE=x\r\n") == ["501"])
    }

    @Test("RSET drops the transaction")
    func reset() {
        var driver = Driver()
        #expect(driver.send("MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nRSET\r\nDATA\r\n") == ["250", "250", "250", "503"])
    }

    @Test("a command line over 1000 octets gets 500 and the session goes on")
    func longLine() {
        var driver = Driver()
        let long = "NOOP " + String(repeating: "x", count: 1000) + "\r\n"
        #expect(driver.send(long + "NOOP\r\n") == ["500", "250"])
        // exactly 1000 octets with CRLF is fine
        #expect(driver.send("NOOP " + String(repeating: "x", count: 993) + "\r\n") == ["250"])
        // a long line arriving in pieces is refused once, its tail dropped
        #expect(driver.send(String(repeating: "y", count: 700)) == [])
        #expect(driver.send(String(repeating: "y", count: 700)) == ["500"])
        #expect(driver.send(String(repeating: "y", count: 700) + "\r\nNOOP\r\n") == ["250"])
    }

    @Test("a message over the limit gets 552 and nothing is stored; the next one goes through")
    func oversize() {
        var driver = Driver(maxMessageBytes: 64)
        #expect(driver.send("MAIL FROM:<a@b> SIZE=65\r\n") == ["552"])
        #expect(driver.send("MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n") == ["250", "250", "354"])
        for _ in 0..<10 { #expect(driver.send("0123456789\r\n").isEmpty) }
        #expect(driver.send(".\r\n") == ["552"])
        #expect(driver.stored.isEmpty)
        #expect(driver.send("MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\nsmall\r\n.\r\n") ==
            ["250", "250", "354", "store", "250"])
        #expect(driver.stored.count == 1)
    }

    @Test("one huge line without a line end is refused without buffering it all")
    func oversizeLine() {
        var driver = Driver(maxMessageBytes: 1000)
        driver.send("MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n")
        for _ in 0..<100 { driver.send(String(repeating: "z", count: 1000)) }
        #expect(driver.session.reader.bufferedByteCount < 2000)
        #expect(driver.send("\r\n.\r\n") == ["552"])
    }

    @Test("more than 100 recipients: 452 from the 101st")
    func tooManyRecipients() {
        var driver = Driver()
        driver.send("MAIL FROM:<a@b>\r\n")
        let replies = driver.send((1...101).map { "RCPT TO:<r\($0)@x>\r\n" }.joined())
        #expect(replies.filter { $0 == "250" }.count == 100)
        #expect(replies.last == "452")
    }

    @Test("pipelined commands are answered in order, and input after DATA's end waits for the store")
    func pipelined() {
        var session = MailCatcherSession(maxMessageBytes: 1000)
        let actions = session.received(Array(
            "EHLO a\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\nhello\r\n.\r\nNOOP\r\nQUIT\r\n".utf8))
        let codes = actions.map { action -> String in
            switch action {
            case .reply(let reply): String(reply.code)
            case .store: "store"
            case .close: "close"
            }
        }
        #expect(codes == ["250", "250", "250", "354", "store"])
        let after = session.messageStored(name: "n.eml")
        #expect(after == [
            .reply(MailCatcherReply(250, "OK queued as n.eml")), .reply(MailCatcherReply(250, "OK")),
            .reply(MailCatcherReply(221, "localhost closing connection")), .close,
        ])
    }

    @Test("bytes fed one at a time give the same conversation")
    func byteAtATime() {
        let script = "EHLO a\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n..x\r\ny\r\n.\r\nQUIT\r\n"
        var whole = Driver(greeted: false)
        var single = Driver(greeted: false)
        let expected = whole.send(script)
        var got: [String] = []
        for byte in script.utf8 { got += single.run(single.session.received([byte])) }
        #expect(got == expected)
        #expect(single.stored == whole.stored)
        #expect(single.stored.first?.content == Array(".x\r\ny\r\n".utf8))
    }

    @Test("LF-only clients work; the stored message has CRLF line ends")
    func lineFeedOnly() {
        var driver = Driver(greeted: false)
        #expect(driver.send("HELO a\nMAIL FROM:<a@b>\nRCPT TO:<c@d>\nDATA\nSubject: s\n\nbody\n..\n.\n") ==
            ["250", "250", "250", "354", "store", "250"])
        #expect(driver.stored.first?.content == Array("Subject: s\r\n\r\nbody\r\n.\r\n".utf8))
    }

    @Test("dot-stuffing round trip: what the Comms client encodes comes back as written")
    func dotStuffingRoundTrip() {
        let message = "Subject: dots\r\n\r\n.\r\n..\r\n.hidden\r\nend.\r\n"
        var stuffed = ""
        for line in message.split(separator: "\r\n", omittingEmptySubsequences: false).dropLast() {
            stuffed += (line.hasPrefix(".") ? "." : "") + line + "\r\n"
        }
        var driver = Driver()
        driver.send("MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n")
        #expect(driver.send(stuffed + ".\r\n") == ["store", "250"])
        #expect(driver.stored.first?.content == Array(message.utf8))
    }

    @Test("a failed store answers 451 and the session goes on")
    func storeFailure() {
        var driver = Driver()
        let replies = driver.send("MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\nx\r\n.\r\nNOOP\r\n", storeResult: false)
        #expect(replies == ["250", "250", "354", "store", "451", "250"])
    }

    @Test("non-ASCII addresses need SMTPUTF8; control characters are refused")
    func addresses() {
        var driver = Driver()
        #expect(driver.send("MAIL FROM:<josé@x.test>\r\n") == ["553"])
        #expect(driver.send("MAIL FROM:<josé@x.test> SMTPUTF8\r\nRCPT TO:<zoë@y.test>\r\n") == ["250", "250"])
        #expect(driver.send("RCPT TO:<a\rb@c>\r\nRCPT TO:<>\r\n") == ["501", "501"])
    }

    @Test("idle timeout and shutdown answer 421 and close, once")
    func idleAndShutdown() {
        var session = MailCatcherSession(maxMessageBytes: 10)
        let idle = session.idleTimeoutPassed()
        #expect(idle.count == 2 && idle.last == .close)
        #expect(session.shutdownRequested().isEmpty)
        #expect(session.received(Array("NOOP\r\n".utf8)).isEmpty)
    }
}
