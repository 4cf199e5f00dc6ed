import Testing
@testable import CommsService

@Suite("SMTPRelay")
struct SMTPRelayTests {
    @Test("a full URL is parsed")
    func full() throws {
        let relay = try SMTPRelay(url: "smtp://mailer:s3cret@smtp.example.com:2525?tls=none")
        #expect(relay.host == "smtp.example.com")
        #expect(relay.port == 2525)
        #expect(relay.security == SMTPRelay.Security.none)
        #expect(relay.username == "mailer")
        #expect(relay.password == "s3cret")
        #expect(relay.redactedURL == "smtp://mailer@smtp.example.com:2525?tls=none")
    }

    @Test("defaults: STARTTLS on 587; implicit TLS for smtps:// and port 465", arguments: [
        ("smtp://smtp.example.com", 587, SMTPRelay.Security.starttls),
        ("smtp://smtp.example.com:25", 25, .starttls),
        ("smtp://smtp.example.com:465", 465, .implicit),
        ("smtps://smtp.example.com", 465, .implicit),
        ("smtps://smtp.example.com:2465?tls=implicit", 2465, .implicit),
        ("SMTP://smtp.example.com:465?TLS=StartTLS", 465, .starttls),
        ("smtp://smtp.example.com/?tls=implicit", 465, .implicit),
        ("smtp://[::1]:2525?tls=none", 2525, .none),
    ])
    func defaults(url: String, port: Int, security: SMTPRelay.Security) throws {
        let relay = try SMTPRelay(url: url)
        #expect(relay.port == port)
        #expect(relay.security == security)
        #expect(relay.username == nil && relay.password == nil)
    }

    @Test("user and password are percent-decoded; an unencoded @ / ? in the password still parses")
    func credentials() throws {
        let encoded = try SMTPRelay(url: "smtp://apikey%40proj:p%3Ass%2Fw%25rd@relay.example.com:587")
        #expect(encoded.username == "apikey@proj")
        #expect(encoded.password == "p:ss/w%rd")
        #expect(encoded.redactedURL == "smtp://apikey%40proj@relay.example.com:587?tls=starttls")
        let raw = try SMTPRelay(url: "smtp://user:pa@s/s?w@relay.example.com?tls=none")
        #expect(raw.username == "user")
        #expect(raw.password == "pa@s/s?w")
        #expect(raw.host == "relay.example.com")
        #expect(raw.security == SMTPRelay.Security.none)
        let userOnly = try SMTPRelay(url: "smtp://user@relay.example.com")
        #expect(userOnly.username == "user" && userOnly.password == nil)
    }

    @Test("IPv6 hosts keep their brackets in the redacted URL")
    func ipv6() throws {
        let relay = try SMTPRelay(url: "smtp://u:hunter2@[2001:db8::1]:25")
        #expect(relay.host == "2001:db8::1")
        #expect(relay.redactedURL == "smtp://u@[2001:db8::1]:25?tls=starttls")
    }

    @Test("bad URLs are refused with the problem named", arguments: [
        ("", SMTPRelayError.empty),
        ("   ", .empty),
        ("http://u:hunter2@smtp.example.com", .unsupportedScheme),
        ("u:hunter2@smtp.example.com", .unsupportedScheme),
        ("smtp://u:hunter2@", .missingHost),
        ("smtp://u:hunter2@:25", .missingHost),
        ("smtp://u:hunter2@smtp.example.com:0", .invalidPort),
        ("smtp://u:hunter2@smtp.example.com:65536", .invalidPort),
        ("smtp://u:hunter2@smtp.example.com:2x5", .invalidPort),
        ("smtp://u:hunter2@smtp.example.com:", .invalidPort),
        ("smtp://u:hunter2", .invalidPort),
        ("smtp://u:hunter2@smtp example.com", .invalidHost),
        ("smtp://u:hunter2@[::1", .invalidHost),
        ("smtp://u:hunter2@smtp.example.com/mail", .unexpectedPath),
        ("smtp://u:hunter2@smtp.example.com?tls=maybe", .invalidSecurity),
        ("smtp://u:hunter2@smtp.example.com?tls", .invalidSecurity),
        ("smtps://u:hunter2@smtp.example.com?tls=none", .conflictingSecurity),
        ("smtp://u:hunter2@smtp.example.com?tls=none&timeout=5", .unknownParameter),
        ("smtp://u:hunter2@smtp.example.com?hunter2%25", .unknownParameter),
        ("smtp://u:hunter%2@smtp.example.com", .invalidCredentials),
        ("smtp://:hunter2@smtp.example.com", .invalidCredentials),
    ])
    func refused(url: String, expected: SMTPRelayError) {
        #expect(throws: expected) { try SMTPRelay(url: url) }
    }

    @Test("the password never shows in descriptions, mirrors or errors")
    func redaction() throws {
        let relay = try SMTPRelay(url: "smtp://mailer:hunter2@smtp.example.com:587")
        for text in [relay.redactedURL, relay.description, relay.debugDescription, String(reflecting: relay),
                     "\(relay)", { var out = ""; dump(relay, to: &out); return out }()] {
            #expect(!text.contains("hunter2"), "\(text)")
        }
        let bad = ["smtp://u:hunter2", "smtp://u:hunter2@smtp.example.com/x", "smtp://u:hunter2@bad host",
                   "smtp://u:hunter2@h:99999", "smtp://u:hunter2@h?hunter2=1", "ftp://u:hunter2@h"]
        for url in bad {
            do {
                _ = try SMTPRelay(url: url)
                Issue.record("\(url) was accepted")
            } catch {
                #expect(!error.description.contains("hunter2"), "\(error.description)")
                #expect(!String(reflecting: error).contains("hunter2"))
            }
        }
    }
}
