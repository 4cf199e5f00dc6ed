import Foundation
import Testing

@testable import CommsService

/// Decodes one `=?UTF-8?B?…?=` word, or nil when it is not one or its bytes are not valid UTF-8 on their own.
fileprivate func decodeEncodedWord(_ word: String) -> String? {
    guard word.hasPrefix("=?UTF-8?B?"), word.hasSuffix("?="),
        let data = Data(base64Encoded: String(word.dropFirst(10).dropLast(2)))
    else { return nil }
    return String(validating: Array(data), as: UTF8.self)
}

/// The header block's fields, unfolded (CRLF before white space removed).
fileprivate func unfoldedFields(_ bytes: [UInt8]) -> [String] {
    String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\r\n ", with: " ")
        .split(separator: "\r\n").map(String.init)
}

fileprivate func lines(_ bytes: [UInt8]) -> [String] {
    String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n").dropLast().map { $0 }
}

@Suite("MIMEHeaderWriter")
struct MIMEHeaderWriterTests {
    @Test(arguments: [
        "é", "¡Hola, señor Ñandú!", String(repeating: "日本語", count: 40), String(repeating: "🐱", count: 50),
        "a" + String(repeating: "👩‍👩‍👧‍👦", count: 9), String(repeating: "ab€😀", count: 30),
    ])
    func encodedWordsSplitBetweenCharacters(text: String) throws {
        for firstMaximum in [20, 33, 69, 75] {
            let words = MIMEHeaderWriter.encodedWords(text, firstMaximum: firstMaximum)
            #expect(words.first!.count <= firstMaximum || Array(text.first!.utf8).count > (firstMaximum - 12) / 4 * 3)
            #expect(words.allSatisfy { $0.count <= 75 })
            let decoded = try words.map { try #require(decodeEncodedWord($0), "word \($0) is not valid UTF-8 alone") }
            #expect(decoded.joined() == text)
            // Each word ends on a character boundary (for characters shorter than a whole word).
            var rest = Substring(text)
            for piece in decoded {
                #expect(rest.hasPrefix(piece))
                rest = rest.dropFirst(piece.count)
            }
        }
    }

    @Test func characterLongerThanAWordSplitsBetweenScalars() throws {
        let zalgo = "e" + String(repeating: "\u{0301}", count: 40)   // one Character, 81 octets
        #expect(zalgo.count == 1)
        let words = MIMEHeaderWriter.encodedWords("x" + zalgo + "y", firstMaximum: 75)
        #expect(words.count >= 2)
        #expect(words.allSatisfy { $0.count <= 75 })
        let decoded = try words.map { try #require(decodeEncodedWord($0)) }
        #expect(decoded.joined().unicodeScalars.elementsEqual(("x" + zalgo + "y").unicodeScalars))
    }

    @Test func shortASCIISubjectIsWrittenAsIs() {
        var writer = MIMEHeaderWriter()
        writer.appendUnstructured("Subject", "Your sign-in link")
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "Subject: Your sign-in link\r\n")
    }

    @Test func longASCIISubjectFoldsAtSpacesWithin78() {
        let subject = (1...40).map { "word\($0)" }.joined(separator: " ") + "  double  spaces kept"
        var writer = MIMEHeaderWriter()
        writer.appendUnstructured("Subject", subject)
        let all = lines(writer.bytes)
        #expect(all.count > 1)
        #expect(all.allSatisfy { $0.utf8.count <= 78 })
        #expect(all.dropFirst().allSatisfy { $0.hasPrefix(" ") && !$0.allSatisfy { $0 == " " } })
        #expect(unfoldedFields(writer.bytes) == ["Subject: " + subject])
    }

    @Test func nonASCIISubjectBecomesEncodedWordsWithin78() throws {
        let subject = "¡Tu código mágico está listo! " + String(repeating: "ñ", count: 200)
        var writer = MIMEHeaderWriter()
        writer.appendUnstructured("Subject", subject)
        let all = lines(writer.bytes)
        #expect(all.allSatisfy { $0.utf8.count <= 78 })
        let words = all.map { $0.hasPrefix("Subject: ") ? String($0.dropFirst(9)) : String($0.dropFirst()) }
        #expect(try words.map { try #require(decodeEncodedWord($0)) }.joined() == subject)
    }

    @Test func unbreakableASCIIWordIsEncodedSoNoLinePasses998() {
        let subject = String(repeating: "x", count: 990)
        var writer = MIMEHeaderWriter()
        writer.appendUnstructured("Subject", subject)
        #expect(lines(writer.bytes).allSatisfy { $0.utf8.count <= 78 })
        #expect(String(decoding: writer.bytes, as: UTF8.self).contains("=?UTF-8?B?"))
    }

    @Test func textThatLooksLikeAnEncodedWordIsEncoded() {
        var writer = MIMEHeaderWriter()
        writer.appendUnstructured("Subject", "=?UTF-8?B?SGk=?=")
        #expect(!String(decoding: writer.bytes, as: UTF8.self).contains("SGk="))
    }

    @Test(arguments: [
        ("Ana", ["Ana"]),
        ("Ana María", ["=?UTF-8?B?QW5hIE1hcsOtYQ==?="]),
        ("Jane Q Public", ["Jane", "Q", "Public"]),
        ("Doe, Jane", [#""Doe, Jane""#]),
        (#"Say "hi" \ x"#, [#""Say \"hi\" \\ x""#]),
        ("Two  spaces", [#""Two  spaces""#]),
        ("a.b", [#""a.b""#]),
        ("=?x", ["=?UTF-8?B?PT94?="]),
    ])
    func displayNamePhrases(name: String, tokens: [String]) {
        #expect(MIMEHeaderWriter.phraseTokens(name) == tokens)
    }

    @Test func addressListsFoldBetweenAddresses() {
        let addresses = (0..<12).map { MailAddress(displayName: "Person \($0)", address: "person\($0)@example.com") }
        var writer = MIMEHeaderWriter()
        writer.appendAddresses("To", addresses)
        let all = lines(writer.bytes)
        #expect(all.count > 3)
        #expect(all.allSatisfy { $0.utf8.count <= 78 })
        let expected = addresses.map { "\($0.displayName!) <\($0.address)>" }.joined(separator: ", ")
        #expect(unfoldedFields(writer.bytes) == ["To: " + expected])
    }

    @Test func bareAddressHasNoAngleBrackets() {
        var writer = MIMEHeaderWriter()
        writer.appendAddresses("To", [MailAddress(address: "a@b.co"), MailAddress(displayName: "B", address: "b@b.co")])
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "To: a@b.co, B <b@b.co>\r\n")
    }

    @Test(arguments: [
        (1_795_255_200.0, "Sat, 21 Nov 2026 10:00:00 +0000"),
        (0.0, "Thu, 1 Jan 1970 00:00:00 +0000"),
        (951_782_400.5, "Tue, 29 Feb 2000 00:00:00 +0000"),
        (1_704_067_199.0, "Sun, 31 Dec 2023 23:59:59 +0000"),
    ])
    func dates(seconds: Double, expected: String) {
        #expect(MIMEHeaderWriter.formatDate(Date(timeIntervalSince1970: seconds)) == expected)
    }
}
