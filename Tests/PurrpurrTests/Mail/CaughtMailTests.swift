import Foundation
import Testing
@testable import Purrpurr

@Suite("CaughtMail")
struct CaughtMailTests {
    private func parse(_ text: String, name: String? = nil) -> CaughtMail {
        CaughtMail(bytes: Array(text.utf8), name: name)
    }

    /// The shape CommsService's MIME writer produces for the magic-link email: multipart/alternative with a
    /// quoted `=_pp_` boundary, a 7bit text part and a quoted-printable HTML part with soft line breaks.
    private let magicLink = """
        X-Purrpurr-Envelope-From: <no-reply@purrpurr.local>\r
        X-Purrpurr-Envelope-To: <ana@example.com>\r
        Date: Sat, 21 Nov 2026 10:00:00 +0000\r
        Message-ID: <msg_abc@purrpurr.local>\r
        From: no-reply@purrpurr.local\r
        To: ana@example.com\r
        Subject: Your sign-in link\r
        MIME-Version: 1.0\r
        Content-Type: multipart/alternative; boundary="=_pp_0123456789abcdef01234567"\r
        \r
        --=_pp_0123456789abcdef01234567\r
        Content-Type: text/plain; charset=utf-8\r
        Content-Transfer-Encoding: 7bit\r
        \r
        Use this link to sign in as ana@example.com:\r
        \r
        https://app.example/v1/auth/verify?token=ml_abcDEF123&redirect_to=http%3A%2F%2Flocalhost%3A3000\r
        \r
        Or enter the code 123456.\r
        \r
        --=_pp_0123456789abcdef01234567\r
        Content-Type: text/html; charset=utf-8\r
        Content-Transfer-Encoding: quoted-printable\r
        \r
        <p><a href=3D"https://app.example/v1/auth/verify?token=3Dml_abcDEF123&amp;re=\r
        direct_to=3Dhttp%3A%2F%2Flocalhost%3A3000" style=3D"color:#fff">Sign in</a>=\r
        </p>\r
        <p>Caf=C3=A9 =E2=80=94 the link works once.</p>\r
        \r
        --=_pp_0123456789abcdef01234567--\r

        """

    @Test("the magic-link email: subject, envelope, text, html, and the one link (QP soft breaks, &amp;)")
    func magicLinkMail() throws {
        let mail = parse(magicLink, name: "20261121T100000.500-AbCdEfGh.eml")
        let link = "https://app.example/v1/auth/verify?token=ml_abcDEF123&redirect_to=http%3A%2F%2Flocalhost%3A3000"
        #expect(mail.subject == "Your sign-in link")
        #expect(mail.envelopeFrom == "no-reply@purrpurr.local")
        #expect(mail.envelopeTo == ["ana@example.com"])
        #expect(mail.from == "no-reply@purrpurr.local")
        #expect(mail.text?.contains("\n\(link)\n") == true)
        #expect(mail.text?.contains("\r") == false)
        #expect(mail.html?.contains("Café — the link works once.") == true)
        #expect(mail.html?.contains("Sign in</a></p>") == true)
        #expect(mail.links == [link])
        #expect(mail.date == Date(timeIntervalSince1970: 1_795_255_200.5))  // from the name, not the header
        #expect(parse(magicLink).date == Date(timeIntervalSince1970: 1_795_255_200))  // the Date header
    }

    @Test("encoded-word subjects: Q and B, split characters, white space between words, Latin-1, plain text around")
    func encodedWords() {
        #expect(parse("Subject: =?UTF-8?Q?=C2=A1Hola_Ana!?=\r\n\r\n").subject == "¡Hola Ana!")
        #expect(parse("Subject: =?utf-8?b?wqFIb2xh?=\r\n\r\n").subject == "¡Hola")
        // "é" (C3 A9) split across two B words, folded onto a second line
        let folded = "Subject: =?UTF-8?B?Y2Fmw6k=?=\r\n =?UTF-8?B?w6k=?= =?UTF-8?Q?_ok?=\r\n\r\n"
        #expect(parse(folded).subject == "caféé ok")
        #expect(parse("Subject: =?UTF-8?B?Y2Fmww==?= =?UTF-8?B?qQ==?=\r\n\r\n").subject == "café")
        #expect(parse("Subject: Re: =?ISO-8859-1?Q?Andr=E9?= and more\r\n\r\n").subject == "Re: André and more")
        #expect(parse("Subject: not =?an encoded word\r\n\r\n").subject == "not =?an encoded word")
        #expect(parse("Subject: a\r\n  folded\tsubject\r\n\r\n").subject == "a  folded\tsubject")
        #expect(parse("To: x\r\n\r\n").subject == "")
    }

    @Test("base64 bodies, LF-only messages and single-part HTML")
    func base64AndLineFeeds() {
        let body = Data("Olá! https://x.test/a?b=1.\n".utf8).base64EncodedString(options: [.lineLength64Characters])
        let mail = parse("Content-Type: text/plain; charset=\"UTF-8\"\nContent-Transfer-Encoding: BASE64\n\n\(body)\n")
        #expect(mail.text == "Olá! https://x.test/a?b=1.\n")
        #expect(mail.links == ["https://x.test/a?b=1"])
        let html = parse("Content-Type: text/html\n\n<a href='https://h.test/?a=1&#38;b=2'>x</a>")
        #expect(html.text == nil)
        #expect(html.html == "<a href='https://h.test/?a=1&#38;b=2'>x</a>")
        #expect(html.links == ["https://h.test/?a=1&b=2"])
    }

    @Test("multipart/mixed around multipart/alternative: the first text and html parts; attachments skipped")
    func nestedMultipart() {
        let message = """
            Content-Type: multipart/mixed; boundary=outer\r
            \r
            preamble\r
            --outer\r
            Content-Type: multipart/alternative; boundary="inner"\r
            \r
            --inner\r
            Content-Type: text/plain; charset=iso-8859-1\r
            Content-Transfer-Encoding: quoted-printable\r
            \r
            Gr=FC=DFe, see https://a.test/x=\r
            yz (or https://b.test/p).\r
            --inner\r
            Content-Type: text/html; charset=utf-8\r
            \r
            <a href="https://a.test/xyz">a</a> <a href="https://c.test/">c</a>\r
            --inner--\r
            --outer\r
            Content-Type: text/plain\r
            Content-Disposition: attachment; filename="notes.txt"\r
            \r
            https://attachment.test/\r
            --outer--\r
            epilogue\r

            """
        let mail = parse(message)
        #expect(mail.text == "Grüße, see https://a.test/xyz (or https://b.test/p).")
        #expect(mail.html == "<a href=\"https://a.test/xyz\">a</a> <a href=\"https://c.test/\">c</a>")
        #expect(mail.links == ["https://a.test/xyz", "https://b.test/p", "https://c.test/"])
    }

    @Test("quoted-printable: soft breaks, escapes, trailing white space, malformed escapes kept")
    func quotedPrintable() {
        let decoded = CaughtMailDecoding.quotedPrintable(Array("a=3Db  \r\nlong=\r\nline=\nend =ZZ=4".utf8))
        #expect(String(decoding: decoded, as: UTF8.self) == "a=b\r\nlonglineend =ZZ=4")
    }

    @Test("links: trailing punctuation and brackets trimmed, duplicates listed once, other schemes ignored")
    func links() {
        let text = "Go to (https://a.test/path_(x)) or <https://b.test/>, then https://a.test/path_(x)! "
            + "ftp://no.test mailto:x@y HTTPS://UPPER.test/Q?a=1;"
        #expect(CaughtMailLinks.links(text: text, html: nil) ==
            ["https://a.test/path_(x)", "https://b.test/", "HTTPS://UPPER.test/Q?a=1"])
        #expect(CaughtMailLinks.decodeEntities("a&amp;b&lt;&#x41;&#66;&bogus;&") == "a&b<AB&bogus;&")
    }
}
