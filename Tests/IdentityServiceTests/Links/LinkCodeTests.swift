import Contracts
import Foundation
import ServiceKit
import Testing
import Wire
@testable import IdentityService

@Suite("One-time codes", .enabled(if: linkDatabaseAvailable))
struct LinkCodeTests {
    @Test("verify by email and code gives a session, once")
    func verifyByCode() async throws {
        try await withLinkHarness { h in
            let project = try await h.project()
            _ = try await h.flows.magicLink(EmailLinkRequest(email: "ana@example.com"), h.context(project))
            let code = try #require(h.mailer.onlyEmail?.data["code"])
            let request = VerifyRequest(type: "magiclink", email: " ANA@example.com", code: code)
            let session = try await h.flows.verify(request, h.context(project))
            #expect(session.user.email == "ana@example.com")
            let again = await linkPublicError { _ = try await h.flows.verify(request, h.context(project)) }
            #expect(again?.code.rawValue == "INVALID_TOKEN")
            // The link of the same email is spent too: one token, one use.
            let token = try LinkTestHarness.token(in: try #require(h.mailer.onlyEmail))
            let byLink = await linkPublicError {
                _ = try await h.flows.verify(VerifyRequest(type: "magiclink", token: token), h.context(project))
            }
            #expect(byLink?.code.rawValue == "INVALID_TOKEN")
        }
    }

    @Test("five wrong codes kill the token: the right code then fails, and so does the link")
    func wrongGuessesKill() async throws {
        try await withLinkHarness { h in
            let project = try await h.project()
            _ = try await h.flows.magicLink(EmailLinkRequest(email: "ana@example.com"), h.context(project))
            let email = try #require(h.mailer.onlyEmail)
            let code = try #require(email.data["code"])
            let wrong = code == "000000" ? "000001" : "000000"
            for _ in 0..<5 {
                let error = await linkPublicError {
                    _ = try await h.flows.verify(
                        VerifyRequest(type: "magiclink", email: "ana@example.com", code: wrong), h.context(project))
                }
                #expect(error?.code.rawValue == "INVALID_TOKEN")
            }
            let right = await linkPublicError {
                _ = try await h.flows.verify(
                    VerifyRequest(type: "magiclink", email: "ana@example.com", code: code), h.context(project))
            }
            #expect(right?.code.rawValue == "INVALID_TOKEN")
            let link = await linkPublicError {
                _ = try await h.flows.verify(
                    VerifyRequest(type: "magiclink", token: try LinkTestHarness.token(in: email)), h.context(project))
            }
            #expect(link?.code.rawValue == "INVALID_TOKEN")
        }
    }

    @Test("four wrong codes leave the right one working; the maximum is configurable")
    func belowTheMaximum() async throws {
        var config = IdentityLinkConfig()
        config.codeMaxGuesses = 2
        try await withLinkHarness { h in
            let project = try await h.project()
            _ = try await h.flows.magicLink(EmailLinkRequest(email: "ana@example.com"), h.context(project))
            let code = try #require(h.mailer.onlyEmail?.data["code"])
            let wrong = code == "123456" ? "654321" : "123456"
            for _ in 0..<4 {
                _ = await linkPublicError {
                    _ = try await h.flows.verify(
                        VerifyRequest(type: "magiclink", email: "ana@example.com", code: wrong), h.context(project))
                }
            }
            let session = try await h.flows.verify(
                VerifyRequest(type: "magiclink", email: "ana@example.com", code: code), h.context(project))
            #expect(session.user.email == "ana@example.com")
        }
        try await withLinkHarness(config) { h in
            let project = try await h.project()
            _ = try await h.flows.magicLink(EmailLinkRequest(email: "ana@example.com"), h.context(project))
            let code = try #require(h.mailer.onlyEmail?.data["code"])
            let wrong = code == "123456" ? "654321" : "123456"
            for _ in 0..<2 {
                _ = await linkPublicError {
                    _ = try await h.flows.verify(
                        VerifyRequest(type: "magiclink", email: "ana@example.com", code: wrong), h.context(project))
                }
            }
            let error = await linkPublicError {
                _ = try await h.flows.verify(
                    VerifyRequest(type: "magiclink", email: "ana@example.com", code: code), h.context(project))
            }
            #expect(error?.code.rawValue == "INVALID_TOKEN")
        }
    }

    @Test("a code for an email without a token, and malformed codes, are INVALID_TOKEN")
    func unknownCodes() async throws {
        try await withLinkHarness { h in
            let project = try await h.project()
            for code in ["123456", "12345", "abcdef", "1234567"] {
                let error = await linkPublicError {
                    _ = try await h.flows.verify(
                        VerifyRequest(type: "magiclink", email: "nobody@example.com", code: code), h.context(project))
                }
                #expect(error?.code.rawValue == "INVALID_TOKEN")
            }
        }
    }

    @Test("codes are stored only as keyed hashes, tokens only as SHA-256")
    func storedAsHashes() async throws {
        var config = IdentityLinkConfig()
        config.codeKey = Secret(SecureRandom.bytes(32))
        try await withLinkHarness(config) { h in
            let project = try await h.project()
            _ = try await h.flows.magicLink(EmailLinkRequest(email: "ana@example.com"), h.context(project))
            let email = try #require(h.mailer.onlyEmail)
            let token = try LinkTestHarness.token(in: email)
            let row = try #require(try await h.pool.query(
                "SELECT token_hash, code_salt, code_hash FROM \(h.schema).one_time_tokens").first)
            let (tokenHash, salt, codeHash) = try row.decode(([UInt8], [UInt8], [UInt8]).self)
            #expect(tokenHash == SHA256.hash(token))
            #expect(codeHash == LinkSecret.codeHash(code: email.data["code"]!, salt: salt, key: config.codeKey?.value))
            #expect(codeHash != LinkSecret.codeHash(code: email.data["code"]!, salt: salt, key: nil))
            let session = try await h.flows.verify(
                VerifyRequest(type: "magiclink", email: "ana@example.com", code: email.data["code"]), h.context(project))
            #expect(session.user.email == "ana@example.com")
        }
    }
}
