import Contracts
import Foundation
import Testing
import Wire
@testable import IdentityService
@testable import ServiceKit

@Suite("Password grant", .enabled(if: IdentityCoreHarness.isAvailable))
struct PasswordGrantTests {
    @Test("the right password signs in; email case and spacing do not matter")
    func signsIn() async throws {
        try await IdentityCoreHarness.with { h in
            let user = try await h.signup("prj_a", "ada@example.com").user
            let session = try await h.app.accounts.passwordGrant(
                PasswordGrantRequest(email: " ADA@example.com", password: "correct horse"), try h.context("prj_a"))
            #expect(session.user.id == user.id)
            #expect(try await h.count("sessions", where: "user_id = $1", [user.id]) == 2)
        }
    }

    @Test("a wrong password and an unknown email get the identical INVALID_CREDENTIALS")
    func sameAnswer() async throws {
        try await IdentityCoreHarness.with { h in
            let user = try await h.signup("prj_a", "ada@example.com").user
            let context = try h.context("prj_a")
            let wrong = await expectPublicError("INVALID_CREDENTIALS") {
                _ = try await h.app.accounts.passwordGrant(PasswordGrantRequest(email: "ada@example.com", password: "wrong horse"), context)
            }
            let unknown = await expectPublicError("INVALID_CREDENTIALS") {
                _ = try await h.app.accounts.passwordGrant(PasswordGrantRequest(email: "bob@example.com", password: "wrong horse"), context)
            }
            let otherProject = await expectPublicError("INVALID_CREDENTIALS") {
                _ = try await h.app.accounts.passwordGrant(
                    PasswordGrantRequest(email: "ada@example.com", password: "correct horse"), try h.context("prj_b"))
            }
            let malformed = await expectPublicError("INVALID_CREDENTIALS") {
                _ = try await h.app.accounts.passwordGrant(PasswordGrantRequest(email: "not an email", password: "x"), context)
            }
            #expect(wrong != nil && wrong == unknown && unknown == otherProject && otherProject == malformed)
            #expect(!"\(wrong!)".contains("wrong horse"))
            // A passwordless user (magic link) cannot sign in with any password either.
            _ = try await h.app.core.users.createPasswordless(projectID: "prj_a", email: "pl@example.com", confirmed: true)
            let passwordless = await expectPublicError("INVALID_CREDENTIALS") {
                _ = try await h.app.accounts.passwordGrant(PasswordGrantRequest(email: "pl@example.com", password: ""), context)
            }
            #expect(passwordless == wrong)
            let failures = try await h.app.core.audit.list(PageQuery(), context).data.filter { $0.action == "login_failed" }
            #expect(failures.count == 4)
            #expect(failures.contains { $0.userID == user.id && $0.ip == "203.0.113.7" })
            #expect(!h.logs.lines.contains { $0.contains("wrong horse") || $0.contains("correct horse") })
        }
    }

    @Test("an unknown email, a passwordless user and a malformed hash each spend one full KDF (dummy hash)")
    func dummyWork() async throws {
        let hasher = PasswordHasher(uncheckedParameters: .init(n: 1 << 10, r: 8, p: 1), concurrency: 1)
        let stored = try await hasher.hash("correct horse")
        for target in [nil, "scrypt$garbage", stored] {
            let before = hasher.derivationCount
            _ = try await hasher.verify("wrong horse", against: target)
            #expect(hasher.derivationCount == before + 1)
        }
        try await IdentityCoreHarness.with { h in
            let before = h.app.passwords.derivationCount
            await expectPublicError("INVALID_CREDENTIALS") {
                _ = try await h.app.accounts.passwordGrant(PasswordGrantRequest(email: "nobody@example.com", password: "x"), try h.context("prj_a"))
            }
            #expect(h.app.passwords.derivationCount == before + 1)
        }
    }

    @Test("hash parameters are stored beside the hash and raised at the next login")
    func upgrade() async throws {
        let old = try await IdentityCoreHarness(parameters: .init(n: 1 << 10, r: 8, p: 1))
        let user = try await old.signup("prj_a", "ada@example.com").user
        let stored = try await old.pool.query("SELECT password_hash FROM \(old.schema).users")[0].decode(String.self, at: 0)
        #expect(stored.hasPrefix("scrypt$1024$8$1$"))
        let parsed = try #require(PasswordHash(encoded: stored))
        #expect(parsed.salt.count == 16 && parsed.hash.count == 32)
        await old.close(keepSchema: true)

        let new = try await IdentityCoreHarness(schema: old.schema, parameters: .init(n: 1 << 11, r: 8, p: 1), masterKey: old.masterKey)
        do {
            let grant = PasswordGrantRequest(email: "ada@example.com", password: "correct horse")
            let wrong = PasswordGrantRequest(email: "ada@example.com", password: "wrong horse")
            await expectPublicError("INVALID_CREDENTIALS") { _ = try await new.app.accounts.passwordGrant(wrong, try new.context("prj_a")) }
            let unchanged = try await new.pool.query("SELECT password_hash FROM \(new.schema).users")[0].decode(String.self, at: 0)
            #expect(unchanged == stored)
            _ = try await new.app.accounts.passwordGrant(grant, try new.context("prj_a"))
            let upgraded = try await new.pool.query("SELECT password_hash FROM \(new.schema).users WHERE id = $1", [user.id])[0]
                .decode(String.self, at: 0)
            #expect(upgraded.hasPrefix("scrypt$2048$8$1$"))
            _ = try await new.app.accounts.passwordGrant(grant, try new.context("prj_a"))
        } catch {
            await new.close()
            throw error
        }
        await new.close()
    }

    @Test("the production hasher never goes below N = 2^15")
    func productionMinimum() {
        #expect(PasswordHasher(n: 1024, concurrency: 1).parameters == .init(n: 1 << 15, r: 8, p: 1))
    }

    @Test("a password change is audited and the new password works")
    func change() async throws {
        try await IdentityCoreHarness.with { h in
            let session = try #require(try await h.signup("prj_a", "ada@example.com").session)
            let context = try h.context("prj_a", session: session)
            let updated = try await h.app.accounts.updateUser(UpdateUserRequest(password: "battery staple", data: #"{"a":1}"#), context)
            #expect(updated.data == #"{"a":1}"#)
            await expectPublicError("INVALID_CREDENTIALS") {
                _ = try await h.app.accounts.passwordGrant(PasswordGrantRequest(email: "ada@example.com", password: "correct horse"), try h.context("prj_a"))
            }
            _ = try await h.app.accounts.passwordGrant(PasswordGrantRequest(email: "ada@example.com", password: "battery staple"), try h.context("prj_a"))
            let actions = try await h.app.core.audit.list(PageQuery(), context).data.map(\.action)
            #expect(actions == ["login", "login_failed", "password_change", "signup"])
            await expectPublicError("VALIDATION_FAILED") { _ = try await h.app.accounts.updateUser(UpdateUserRequest(password: "short"), context) }
        }
    }
}
