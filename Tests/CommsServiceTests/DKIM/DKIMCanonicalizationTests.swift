import Testing
@testable import CommsService

@Suite("DKIM relaxed canonicalization (RFC 6376 §3.4)")
struct DKIMCanonicalizationTests {
    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test("RFC 6376 §3.4.5's example: headers")
    func rfcHeaders() {
        #expect(Self.text(DKIMCanonicalization.relaxedHeader(name: "A", value: Array(" X".utf8))) == "a:X\r\n")
        #expect(Self.text(DKIMCanonicalization.relaxedHeader(name: "B ", value: Array(" Y\t\r\n\tZ  ".utf8))) == "b:Y Z\r\n")
    }

    @Test("RFC 6376 §3.4.5's example: body")
    func rfcBody() {
        #expect(Self.text(DKIMCanonicalization.relaxedBody(Array(" C \r\nD \t E\r\n\r\n\r\n".utf8))) == " C\r\nD E\r\n")
    }

    @Test("bodies: empty stays empty, blank-only becomes empty, a missing final CRLF is added, inner blank lines stay")
    func bodies() {
        #expect(DKIMCanonicalization.relaxedBody([UInt8]()).isEmpty)
        #expect(DKIMCanonicalization.relaxedBody(Array("\r\n \r\n\t\r\n".utf8)).isEmpty)
        #expect(Self.text(DKIMCanonicalization.relaxedBody(Array("a  b".utf8))) == "a b\r\n")
        #expect(Self.text(DKIMCanonicalization.relaxedBody(Array("a\r\n\r\n b\r\n".utf8))) == "a\r\n\r\n b\r\n")
    }

    @Test("a header's case, folding and surrounding white space do not change its canonical form")
    func headerForms() {
        let forms = ["Subject: Hello  world", "SUBJECT:Hello world  ", "subject:\r\n Hello\r\n\t world"]
        let canonical = forms.map { form -> String in
            let colon = form.firstIndex(of: ":")!
            return Self.text(DKIMCanonicalization.relaxedHeader(
                name: String(form[..<colon]), value: Array(form[form.index(after: colon)...].utf8)))
        }
        #expect(Set(canonical) == ["subject:Hello world\r\n"])
    }
}
