import Foundation
import Testing

@testable import CommsService

/// A strict quoted-printable decoder (the reverse codec lives in the tests): fails on a malformed `=`.
fileprivate func decodeQuotedPrintable(_ bytes: [UInt8]) -> [UInt8]? {
    var result: [UInt8] = []
    var index = 0
    func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
    while index < bytes.count {
        if bytes[index] == UInt8(ascii: "=") {
            if index + 2 < bytes.count, bytes[index + 1] == 13, bytes[index + 2] == 10 {
                index += 3   // soft line break
                continue
            }
            guard index + 2 < bytes.count, let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2]) else {
                return nil
            }
            result.append(high << 4 | low)
            index += 3
        } else {
            result.append(bytes[index])
            index += 1
        }
    }
    return result
}

fileprivate func crlfLines(_ bytes: [UInt8]) -> [String] {
    String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n")
}

fileprivate func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

@Suite("MIMETransferEncoding")
struct MIMETransferEncodingTests {
    @Test(arguments: [
        ("a\nb", "a\r\nb"), ("a\r\nb", "a\r\nb"), ("a\rb", "a\r\nb"), ("a\r\r\nb", "a\r\n\r\nb"),
        ("a\n\rb", "a\r\n\r\nb"), ("\n", "\r\n"), ("", ""), ("end\r", "end\r\n"),
    ])
    func lineEndsBecomeCRLF(input: String, expected: String) {
        #expect(MIMETransferEncoding.normalizeLineEnds(bytes(input)) == bytes(expected))
    }

    @Test(arguments: [
        ("Hello\r\n\r\nShort lines only.\r\n", MIMETransferEncoding.sevenBit),
        ("tab\there\r\n.dot line\r\n", .sevenBit),
        (String(repeating: "x", count: 78), .sevenBit),
        (String(repeating: "x", count: 79), .quotedPrintable),
        ("trailing space \r\nnext", .quotedPrintable),
        ("trailing tab\t", .quotedPrintable),
        ("nul \u{0000} byte", .quotedPrintable),
        ("Hola, ¿qué tal? Nos vemos mañana en la reunión.", .quotedPrintable),
        (String(repeating: "これは日本語です。", count: 10), .base64),
        (String(repeating: "🐱", count: 20), .base64),
    ])
    func choice(text: String, expected: MIMETransferEncoding) {
        #expect(MIMETransferEncoding.choose(for: MIMETransferEncoding.normalizeLineEnds(bytes(text))) == expected)
    }

    @Test func quotedPrintableEscapesEqualsAndNonASCII() {
        let encoded = MIMETransferEncoding.quotedPrintable(bytes("a=b é\u{0000}"))
        #expect(String(decoding: encoded, as: UTF8.self) == "a=3Db =C3=A9=00")
    }

    @Test func quotedPrintableEscapesTrailingWhiteSpaceOnly() {
        let encoded = MIMETransferEncoding.quotedPrintable(bytes("one two \r\nthree\t\r\n  four  "))
        #expect(String(decoding: encoded, as: UTF8.self) == "one two=20\r\nthree=09\r\n  four =20")
    }

    @Test func quotedPrintableLeavesDotsAtLineStart() {
        let encoded = MIMETransferEncoding.quotedPrintable(bytes(".\r\n..two\r\né."))
        #expect(String(decoding: encoded, as: UTF8.self) == ".\r\n..two\r\n=C3=A9.")
    }

    @Test(arguments: [
        String(repeating: "a", count: 500),
        String(repeating: "é", count: 300),
        String(repeating: "abc=", count: 100),
        String(repeating: "word ", count: 100),
        String(repeating: "x", count: 74) + "==" + String(repeating: "y", count: 80),
        String(repeating: "z", count: 75) + " ",
        String(repeating: "z", count: 76),
    ])
    func quotedPrintableSoftBreaksKeepLinesWithin76(text: String) throws {
        let input = bytes(text)
        let encoded = MIMETransferEncoding.quotedPrintable(input)
        let lines = crlfLines(encoded)
        #expect(lines.allSatisfy { $0.utf8.count <= 76 })
        // Every line but the last ends with a soft break; no line ends in white space.
        #expect(lines.dropLast().allSatisfy { $0.hasSuffix("=") })
        #expect(lines.allSatisfy { !$0.hasSuffix(" ") && !$0.hasSuffix("\t") })
        #expect(try #require(decodeQuotedPrintable(encoded)) == input)
    }

    @Test func quotedPrintableRoundTripsArbitraryBytes() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            let length = Int.random(in: 0...600, using: &generator)
            let raw = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let input = MIMETransferEncoding.normalizeLineEnds(raw)
            let encoded = MIMETransferEncoding.quotedPrintable(input)
            #expect(crlfLines(encoded).allSatisfy { $0.utf8.count <= 76 })
            #expect(encoded.allSatisfy { $0 == 13 || $0 == 10 || $0 == 9 || ($0 >= 0x20 && $0 < 0x7F) })
            #expect(try #require(decodeQuotedPrintable(encoded)) == input)
        }
    }

    @Test(arguments: [0, 1, 2, 3, 56, 57, 58, 114, 1000])
    func base64LinesAre76(length: Int) throws {
        let input = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let encoded = MIMETransferEncoding.base64(input)
        let lines = crlfLines(encoded)
        #expect(lines.dropLast().allSatisfy { $0.count == 76 })
        #expect(lines.last!.count <= 76)
        let joined = lines.joined()
        #expect(try #require(Data(base64Encoded: joined)) == Data(input))
    }
}

@Suite("MIMEBody")
struct MIMEBodyTests {
    @Test func singlePartEndsWithCRLF() {
        let body = MIMEBody.make(text: "no newline", html: nil)
        #expect(body.headers.map(\.0) == ["Content-Type", "Content-Transfer-Encoding"])
        #expect(body.headers[0].1 == "text/plain; charset=utf-8")
        #expect(body.headers[1].1 == "7bit")
        #expect(String(decoding: body.content, as: UTF8.self) == "no newline\r\n")
        #expect(MIMEBody.make(text: nil, html: "<p>x</p>\n").headers[0].1 == "text/html; charset=utf-8")
    }

    @Test func alternativeHasTextThenHTML() throws {
        let body = MIMEBody.make(text: "plain", html: "<p>rich</p>")
        let contentType = try #require(body.headers.first { $0.0 == "Content-Type" }?.1)
        #expect(contentType.hasPrefix("multipart/alternative; boundary=\"=_pp_"))
        let boundary = String(contentType.split(separator: "\"")[1])
        #expect(boundary.count == 29)
        let text = String(decoding: body.content, as: UTF8.self)
        #expect(text == """
            --\(boundary)\r
            Content-Type: text/plain; charset=utf-8\r
            Content-Transfer-Encoding: 7bit\r
            \r
            plain\r
            --\(boundary)\r
            Content-Type: text/html; charset=utf-8\r
            Content-Transfer-Encoding: 7bit\r
            \r
            <p>rich</p>\r
            --\(boundary)--\r\n
            """)
    }

    @Test func boundaryIsDrawnAgainWhenAPartContainsIt() {
        let parts = [MIMEEncodedPart(contentType: "text/plain", text: "see =_pp_clash here")]
        var draws = ["clash", "fresh"]
        let boundary = MIMEBody.chooseBoundary(notIn: parts) { draws.removeFirst() }
        #expect(boundary == "=_pp_fresh")
        #expect(draws.isEmpty)
    }

    @Test func randomBoundariesDiffer() {
        let tokens = Set((0..<20).map { _ in MIMEBody.randomToken() })
        #expect(tokens.count == 20)
        #expect(tokens.allSatisfy { $0.count == 24 && $0.allSatisfy(\.isHexDigit) })
    }
}
