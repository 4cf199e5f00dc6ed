import Testing
@testable import CommsService

@Suite("SMTPReplyParser")
struct SMTPReplyParserTests {
    static let ehlo = "250-smtp.example.com Hello\r\n250-SIZE 35882577\r\n250-8BITMIME\r\n250-PIPELINING\r\n"
        + "250-AUTH=LOGIN\r\n250-AUTH PLAIN LOGIN XOAUTH2\r\n250-STARTTLS\r\n250 SMTPUTF8\r\n"

    private func parseAll(_ text: String, chunk: Int) throws -> [SMTPReply] {
        var parser = SMTPReplyParser()
        var replies: [SMTPReply] = []
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            parser.append(Array(bytes[offset..<min(offset + chunk, bytes.count)]))
            offset += chunk
            while let reply = try parser.next() { replies.append(reply) }
        }
        #expect(!parser.hasBufferedInput)
        return replies
    }

    @Test("single and multi-line replies, one byte at a time and all at once", arguments: [1, 3, 1000])
    func replies(chunk: Int) throws {
        let replies = try parseAll("220 smtp.example.com ESMTP\r\n" + Self.ehlo + "451 4.7.1 Try again later\n", chunk: chunk)
        #expect(replies.count == 3)
        #expect(replies[0] == SMTPReply(code: 220, lines: ["smtp.example.com ESMTP"]))
        #expect(replies[1].code == 250 && replies[1].lines.count == 8)
        #expect(replies[2].text == "451 4.7.1 Try again later")
        #expect(replies[2].isTransient && replies[2].enhancedCode == "4.7.1")
    }

    @Test("a code alone, and a text with control characters, render safely")
    func text() throws {
        let replies = try parseAll("250\r\n550-5.1.1 No\tsuch\r\n550 user\r\n", chunk: 100)
        #expect(replies[0].text == "250")
        #expect(replies[1].text == "550 5.1.1 No such user")
        #expect(replies[1].enhancedCode == "5.1.1")
    }

    @Test("malformed lines are refused", arguments: [
        "hello\r\n", "25\r\n", "199 too low\r\n", "600 too high\r\n", "250_x\r\n", "250-a\r\n251 b\r\n",
    ])
    func malformed(text: String) {
        var parser = SMTPReplyParser()
        parser.append(Array(text.utf8))
        #expect(throws: SMTPReplyParser.Failure.malformedLine) {
            while try parser.next() != nil {}
        }
    }

    @Test("a line over 512 octets and a reply with too many lines are refused")
    func bounds() {
        var long = SMTPReplyParser()
        long.append(Array(("250 " + String(repeating: "x", count: 600)).utf8))  // no line end yet
        #expect(throws: SMTPReplyParser.Failure.lineTooLong) { try long.next() }
        var many = SMTPReplyParser(maxLines: 4)
        many.append(Array(String(repeating: "250-x\r\n", count: 5).utf8))
        #expect(throws: SMTPReplyParser.Failure.tooManyLines) { while try many.next() != nil {} }
        var exact = SMTPReplyParser()
        exact.append(Array(("250 " + String(repeating: "x", count: 506) + "\r\n").utf8))  // 512 octets
        #expect((try? exact.next())??.code == 250)
    }

    @Test("EHLO capabilities")
    func capabilities() throws {
        let reply = try #require(try parseAll(Self.ehlo, chunk: 1000).first)
        let capabilities = SMTPCapabilities(ehloReply: reply)
        #expect(capabilities.startTLS && capabilities.pipelining && capabilities.eightBitMIME && capabilities.smtpUTF8)
        #expect(capabilities.maxSize == 35_882_577)
        #expect(capabilities.authMechanisms == ["LOGIN", "PLAIN", "XOAUTH2"])
        let bare = SMTPCapabilities(ehloReply: SMTPReply(code: 250, lines: ["smtp.example.com"]))
        #expect(!bare.startTLS && bare.authMechanisms.isEmpty && bare.maxSize == nil)
    }

    @Test("user unknown: 550/551/553 with 5.1.1, 5.1.10 or a telling text", arguments: [
        (550, "5.1.1 <x@example.com>: Recipient address rejected", true),
        (550, "5.1.10 RESOLVER.ADR.RecipientNotFound", true),
        (553, "sorry, no such user here", true),
        (551, "User Unknown", true),
        (550, "Requested action not taken: mailbox unavailable", true),
        (550, "5.7.1 Relaying denied", false),
        (552, "5.1.1 mailbox full", false),
        (450, "4.1.1 user unknown (try later)", false),
        (554, "5.1.1 user unknown", false),
    ])
    func userUnknown(code: Int, text: String, expected: Bool) {
        let rejection = SMTPRejection(recipient: "x@example.com", reply: SMTPReply(code: code, lines: [text]))
        #expect(rejection.userUnknown == expected)
        #expect(rejection.isPermanent == (code >= 500))
        #expect(rejection.reply == "\(code) \(text)")
    }
}
