import Contracts
import Testing

@testable import CommsService

@Suite("MailAddress")
struct MailAddressTests {
    @Test(arguments: [
        ("a@b.c", nil, "a@b.c"),
        ("  ana@example.com  ", nil, "ana@example.com"),
        ("<ana@example.com>", nil, "ana@example.com"),
        ("Ana <ana@example.com>", "Ana", "ana@example.com"),
        ("Ana María López <ana@example.com>", "Ana María López", "ana@example.com"),
        (#""Doe, Jane" <jane@example.com>"#, "Doe, Jane", "jane@example.com"),
        (#""Say \"hi\" \\ there" <x@example.com>"#, #"Say "hi" \ there"#, "x@example.com"),
        (#""" <x@example.com>"#, nil, "x@example.com"),
        ("first.last+tag@sub.example.co.uk", nil, "first.last+tag@sub.example.co.uk"),
        ("user@[192.0.2.1]", nil, "user@[192.0.2.1]"),
        ("user@[IPv6:2001:db8::1]", nil, "user@[IPv6:2001:db8::1]"),
        ("josé@ejemplo.es", nil, "josé@ejemplo.es"),
        ("info@münchen.de", nil, "info@münchen.de"),
        ("用户@例子.广告", nil, "用户@例子.广告"),
    ] as [(String, String?, String)])
    func parsesPlausibleAddresses(input: String, name: String?, address: String) throws {
        let parsed = try MailAddress(parsing: input)
        #expect(parsed.displayName == name)
        #expect(parsed.address == address)
    }

    @Test(arguments: [
        "", "plain", "@example.com", "ana@", "ana@example", "ana@@example.com", "ana..b@example.com",
        ".ana@example.com", "ana.@example.com", "ana@example..com", "ana@-example.com", "ana@example-.com",
        "ana@example.123", "ana @example.com", "ana@exa mple.com", #""ana"@example.com"#, "ana(x)@example.com",
        "Ana <ana@example.com", "Ana ana@example.com>", "Ana <>", "<ana@example.com> trailing",
        #""Unclosed <ana@example.com>"#, #"An"a <ana@example.com>"#, "a@[300.1.1.1]", "a@[1.2.3]", "a@[IPv6:]",
        "ana@exa_mple.com", "a,b@example.com",
    ])
    func refusesImplausibleAddresses(input: String) {
        #expect(throws: MailValidationError.self) { try MailAddress(parsing: input) }
    }

    @Test func lengthLimits() throws {
        let local64 = String(repeating: "a", count: 64)
        _ = try MailAddress(parsing: "\(local64)@example.com")
        #expect(throws: MailValidationError.self) { try MailAddress(parsing: "a\(local64)@example.com") }
        let label63 = String(repeating: "b", count: 63)
        _ = try MailAddress(parsing: "a@\(label63).com")
        #expect(throws: MailValidationError.self) { try MailAddress(parsing: "a@b\(label63).com") }
        let domain = (0..<4).map { _ in label63 }.joined(separator: ".")   // 255 octets with "a@" → over 254
        #expect(throws: MailValidationError.self) { try MailAddress(parsing: "a@\(domain)") }
        let name = String(repeating: "n", count: MailAddress.maximumDisplayNameOctets + 1)
        #expect(throws: MailValidationError.self) { try MailAddress(parsing: "\(name) <a@b.co>") }
    }

    /// Header injection: a control character anywhere, in the name or the address, is refused.
    @Test(arguments: ["\r", "\n", "\r\n", "\u{0085}", "\u{0000}", "\t", "\u{2028}", "\u{2029}", "\u{7F}", "\u{1B}"])
    func refusesControlCharacters(control: String) {
        let inputs = [
            "ana\(control)@example.com", "ana@example.com\(control)", "\(control)ana@example.com",
            "Ana\(control)Bcc: victim@example.com <ana@example.com>", "\"Ana\(control)\" <ana@example.com>",
            "Ana <ana@example.com\(control)>", "ana@example.com\(control)Bcc: victim@example.com",
        ]
        for input in inputs {
            #expect(throws: MailValidationError(
                field: "reply_to", message: "The address cannot contain line breaks or control characters.")
            ) { try MailAddress(parsing: input, field: "reply_to") }
        }
    }

    @Test func validateChecksMemberwiseValues() {
        #expect(throws: MailValidationError.self) {
            try MailAddress(displayName: "Ana\r\nBcc: x@y.z", address: "ana@example.com").validate(field: "to.3")
        }
        #expect(throws: MailValidationError.self) {
            try MailAddress(address: "ana@example.com\nBcc: x@y.z").validate(field: "to.3")
        }
        do {
            try MailAddress(address: "nope").validate(field: "to.3")
            Issue.record("expected an error")
        } catch {
            #expect(error.field == "to.3")
        }
    }

    @Test func normalizedAddressIsTrimmedAndLowerCased() throws {
        #expect(try MailAddress(parsing: "Ana <Ana.Lopez@Example.COM>").normalizedAddress == "ana.lopez@example.com")
        #expect(MailAddress(address: " ANA@EXAMPLE.COM ").normalizedAddress == "ana@example.com")
    }

    @Test func errorsNeverEchoTheInput() {
        do {
            _ = try MailAddress(parsing: "secret-looking-value@@x", field: "from")
            Issue.record("expected an error")
        } catch {
            #expect(error.field == "from")
            #expect(!error.message.contains("secret"))
            #expect(!error.description.contains("secret"))
            #expect(error.publicError.code == .validationFailed)
            #expect(error.publicError.field == "from")
        }
    }
}
