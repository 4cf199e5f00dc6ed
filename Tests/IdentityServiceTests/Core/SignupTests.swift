import Contracts
import Foundation
import Testing
import Wire
@testable import IdentityService
@testable import ServiceKit

@Suite("Signup", .enabled(if: IdentityCoreHarness.isAvailable))
struct SignupTests {
    @Test("signup creates a user and a session; the email is trimmed and lower-cased")
    func creates() async throws {
        try await IdentityCoreHarness.with { h in
            let answer = try await h.signup("prj_a", "  Ada@Example.COM ")
            #expect(answer.user.email == "ada@example.com")
            #expect(answer.user.id.hasPrefix("usr_"))
            #expect(answer.user.data == "{}")
            let session = try #require(answer.session)
            #expect(session.tokenType == "bearer")
            #expect(session.expiresIn == 3600)
            #expect(session.user.lastSignInAt != nil)
            #expect(RefreshToken.isWellFormed(session.refreshToken))
            // Only the hash of the refresh token is stored.
            #expect(try await h.count("refresh_tokens", where: "hash = $1", [Array(session.refreshToken.utf8)]) == 0)
            #expect(try await h.count("refresh_tokens", where: "hash = $1", [SHA256.hash(session.refreshToken)]) == 1)
            let stored = try await h.pool.query("SELECT password_hash FROM \(h.schema).users")[0].decode(String.self, at: 0)
            #expect(!stored.contains("correct horse"))
        }
    }

    @Test("the same email in any case or spacing is a CONFLICT; another project may use it")
    func duplicates() async throws {
        try await IdentityCoreHarness.with { h in
            _ = try await h.signup("prj_a", "ada@example.com")
            for variant in ["ada@example.com", "ADA@EXAMPLE.COM", "  Ada@example.com\t", "\nada@Example.com "] {
                await expectPublicError("CONFLICT") { _ = try await h.signup("prj_a", variant) }
            }
            let other = try await h.signup("prj_b", "ADA@example.com")
            #expect(other.user.email == "ada@example.com")
            #expect(try await h.count("users") == 2)
        }
    }

    @Test("a caller may choose the user id (onboarding's saga); a malformed or taken one is refused")
    func chosenUserID() async throws {
        try await IdentityCoreHarness.with { h in
            let id = "usr_" + String(repeating: "a1", count: 11)
            let context = try h.context("prj_a")
            let made = try await h.app.accounts.signup(
                SignupRequest(email: "ada@example.com", password: "correct horse", userID: id), context)
            #expect(made.user.id == id)
            for bad in ["usr_short", "usr_" + String(repeating: "x", count: 41), "prj_" + String(repeating: "a", count: 22),
                        "usr_" + String(repeating: "a", count: 20) + "'--"] {
                let error = await expectPublicError("VALIDATION_FAILED") {
                    _ = try await h.app.accounts.signup(
                        SignupRequest(email: "bob@example.com", password: "correct horse", userID: bad), context)
                }
                #expect(error?.field == "user_id")
            }
            // The same id again (a saga's retry) is a conflict, whatever the email.
            await expectPublicError("CONFLICT") {
                _ = try await h.app.accounts.signup(
                    SignupRequest(email: "carol@example.com", password: "correct horse", userID: id), context)
            }
            #expect(try await h.count("users") == 1)
        }
    }

    @Test("equalWork (onboarding): a taken email is refused after the same derivation a new user costs")
    func equalWork() async throws {
        try await IdentityCoreHarness.with { h in
            _ = try await h.signup("prj_a", "ada@example.com")
            let before = h.app.passwords.derivationCount
            await expectPublicError("CONFLICT") {
                _ = try await h.app.accounts.signup(
                    SignupRequest(email: "ada@example.com", password: "correct horse", equalWork: true), try h.context("prj_a"))
            }
            #expect(h.app.passwords.derivationCount == before + 1)
        }
    }

    @Test("SQL-looking and unicode emails are plain data")
    func oddEmails() async throws {
        try await IdentityCoreHarness.with { h in
            let sqlish = try await h.signup("prj_a", "o'brien'--+drop@example.com")
            #expect(sqlish.user.email == "o'brien'--+drop@example.com")
            let unicode = try await h.signup("prj_a", "JÖRG@Bücher.Example")
            #expect(unicode.user.email == "jörg@bücher.example")
            await expectPublicError("CONFLICT") { _ = try await h.signup("prj_a", "jörg@BÜCHER.example") }
            for bad in ["x'); DROP TABLE users;--@example.com", "no-at-sign", "a@b", "a b@example.com", "@example.com", ""] {
                let error = await expectPublicError("VALIDATION_FAILED") { _ = try await h.signup("prj_a", bad) }
                #expect(error?.field == "email")
            }
            #expect(try await h.count("users") == 2)
        }
    }

    @Test("passwords: 8 characters to 1024 bytes")
    func passwordBounds() async throws {
        try await IdentityCoreHarness.with { h in
            for (index, bad) in ["", "1234567", String(repeating: "é", count: 513), String(repeating: "x", count: 1025)].enumerated() {
                let error = await expectPublicError("VALIDATION_FAILED") {
                    _ = try await h.signup("prj_a", "p\(index)@example.com", password: bad)
                }
                #expect(error?.field == "password")
                #expect(error.map { !"\($0)".contains(bad) || bad.isEmpty } ?? true)
            }
            _ = try await h.signup("prj_a", "ok1@example.com", password: "12345678")
            _ = try await h.signup("prj_a", "ok2@example.com", password: String(repeating: "x", count: 1024))
            _ = try await h.signup("prj_a", "ok3@example.com", password: "éééééééé")
            #expect(try await h.count("users") == 3)
        }
    }

    @Test("data must be a JSON object")
    func data() async throws {
        try await IdentityCoreHarness.with { h in
            let context = try h.context("prj_a")
            let answer = try await h.app.accounts.signup(
                SignupRequest(email: "d@example.com", password: "correct horse", data: #"{"plan":"pro"}"#), context)
            #expect(answer.user.data == #"{"plan":"pro"}"#)
            for bad in ["[1]", "\"text\"", "{", "null"] {
                let error = await expectPublicError("VALIDATION_FAILED") {
                    _ = try await h.app.accounts.signup(
                        SignupRequest(email: "e@example.com", password: "correct horse", data: bad), context)
                }
                #expect(error?.field == "data")
            }
        }
    }

    @Test("a project requiring confirmation gets no session; the confirmation goes out; password login waits for it")
    func confirmation() async throws {
        try await IdentityCoreHarness.with { h in
            _ = try await h.app.core.settings.update(projectID: "prj_a", UpdateIdentitySettingsRequest(confirmEmail: true))
            let answer = try await h.signup("prj_a", "c@example.com")
            #expect(answer.session == nil)
            #expect(h.links.confirmations.withLock { $0 } == [answer.user.id])
            let grant = PasswordGrantRequest(email: "c@example.com", password: "correct horse")
            await expectPublicError("INVALID_CREDENTIALS") { _ = try await h.app.accounts.passwordGrant(grant, try h.context("prj_a")) }
            try await h.app.core.users.confirmEmail(projectID: "prj_a", userID: answer.user.id, at: Date())
            _ = try await h.app.accounts.passwordGrant(grant, try h.context("prj_a"))
        }
    }

    @Test("a call without a project is refused")
    func noProject() async throws {
        try await IdentityCoreHarness.with { h in
            await #expect(throws: WireError.self) {
                _ = try await h.app.accounts.signup(
                    SignupRequest(email: "a@example.com", password: "correct horse"), CallContext(requestID: "r"))
            }
        }
    }
}
