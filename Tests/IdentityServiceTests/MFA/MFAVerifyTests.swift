import Contracts
import Foundation
import Testing
import Wire
@testable import IdentityService
@testable import ServiceKit

@Suite("MFA: enroll and verify TOTP codes", .enabled(if: IdentityCoreHarness.isAvailable))
struct MFAVerifyTests {
    @Test("enroll answers a base32 secret, its otpauth URI and 10 recovery codes; the secret is sealed at rest")
    func enroll() async throws {
        try await IdentityCoreHarness.with { h in
            let session = try #require(try await h.signup("prj_a", "ada+mfa@example.com").session)
            let enrollment = try await h.enroll(session)
            #expect(enrollment.factorID.hasPrefix("mfa_"))
            #expect(try #require(Base32.decode(enrollment.secret)).count == 20)
            #expect(enrollment.otpauthURI == "otpauth://totp/prj_a:ada%2Bmfa%40example.com?secret=\(enrollment.secret)"
                + "&issuer=prj_a&algorithm=SHA1&digits=6&period=30")
            #expect(enrollment.recoveryCodes.count == 10 && Set(enrollment.recoveryCodes).count == 10)
            #expect(enrollment.recoveryCodes.allSatisfy(RecoveryCodes.isWellFormed))
            let sealed = try await h.pool.query("SELECT sealed_secret FROM \(h.schema).mfa_factors")[0].decode([UInt8].self, at: 0)
            let secret = try #require(Base32.decode(enrollment.secret))
            #expect(sealed.count == secret.count + 28)
            #expect(try AES256GCM.open(sealed, key: h.masterKey, authenticating: Array(enrollment.factorID.utf8)) == secret)
            let hashes = try await h.pool.query("SELECT hash FROM \(h.schema).mfa_recovery_codes").map { try $0.decode([UInt8].self, at: 0) }
            #expect(Set(hashes) == Set(enrollment.recoveryCodes.map(RecoveryCodes.hash)))
            #expect(try await h.count("mfa_factors", where: "verified_at IS NULL") == 1)
        }
    }

    @Test("the first good code verifies the factor and raises the session to aal2 with amr password, totp")
    func verify() async throws {
        try await IdentityCoreHarness.with { h in
            let (first, enrollment, elevated) = try await h.verifiedUser()
            #expect(try await h.count("mfa_factors", where: "verified_at IS NOT NULL") == 1)
            let claims = try await h.decode(elevated.accessToken)
            #expect(claims.aal == "aal2" && claims.mfa == true)
            #expect(claims.sid == (try await h.decode(first.accessToken)).sid)
            let amr = try #require(IdentityCoreHarness.rawClaims(elevated.accessToken)["amr"] as? [[String: Any]])
            #expect(amr.map { $0["method"] as? String } == ["password", "totp"])
            #expect(amr.allSatisfy { $0["timestamp"] is Int })
            // The aal1 refresh token of the session was replaced.
            await expectPublicError("INVALID_TOKEN") {
                _ = try await h.app.rotation.refresh(RefreshGrantRequest(refreshToken: first.refreshToken), try h.context("prj_a"))
            }
            #expect(try await h.auditActions().suffix(2) == ["mfa_enroll", "mfa_verify"])
            _ = enrollment
        }
    }

    @Test("a step's code is used once: the same code again is 401, the next step's works")
    func replay() async throws {
        try await IdentityCoreHarness.with { h in
            let (_, enrollment, elevated) = try await h.verifiedUser()
            let code = try h.code(enrollment)
            await expectPublicError("INVALID_TOKEN") { _ = try await h.verify(elevated, enrollment.factorID, code: code) }
            // An earlier step's code after a later one was used is refused too.
            await expectPublicError("INVALID_TOKEN") {
                _ = try await h.verify(elevated, enrollment.factorID, code: try h.code(enrollment, offset: -1))
            }
            h.advance(30)
            _ = try await h.verify(elevated, enrollment.factorID, code: try h.code(enrollment))
        }
    }

    @Test("codes of one step before or after are accepted, two steps are not")
    func drift() async throws {
        try await IdentityCoreHarness.with { h in
            let session = try #require(try await h.signup("prj_a", "ada@example.com").session)
            let enrollment = try await h.enroll(session)
            for offset: Int64 in [-2, 2] {
                await expectPublicError("INVALID_TOKEN") {
                    _ = try await h.verify(session, enrollment.factorID, code: try h.code(enrollment, offset: offset))
                }
            }
            let elevated = try await h.verify(session, enrollment.factorID, code: try h.code(enrollment, offset: -1))
            _ = try await h.verify(elevated, enrollment.factorID, code: try h.code(enrollment, offset: 1))
        }
    }

    @Test("5 wrong codes lock the factor for 15 min: even the right code gets 429 with retry_after; then it works")
    func lockout() async throws {
        try await IdentityCoreHarness.with { h in
            let (_, enrollment, session) = try await h.verifiedUser()
            h.advance(30)
            let wrong = try h.code(enrollment, offset: 5)
            for _ in 0..<5 {
                await expectPublicError("INVALID_TOKEN") { _ = try await h.verify(session, enrollment.factorID, code: wrong) }
            }
            let locked = await expectPublicError("RATE_LIMITED") {
                _ = try await h.verify(session, enrollment.factorID, code: try h.code(enrollment))
            }
            #expect(locked?.retryAfter == 900)
            h.advance(600)
            let later = await expectPublicError("RATE_LIMITED") {
                _ = try await h.verify(session, enrollment.factorID, code: try h.code(enrollment))
            }
            #expect(later?.retryAfter == 300)
            h.advance(300)
            _ = try await h.verify(session, enrollment.factorID, code: try h.code(enrollment))
            let actions = try await h.auditActions()
            #expect(actions.filter { $0 == "mfa_verify_failed" }.count == 5)
            #expect(actions.filter { $0 == "mfa_locked" }.count == 1)
        }
    }

    @Test("a good code resets the count: 4 wrong, 1 good, 4 wrong do not lock")
    func resetByGoodCode() async throws {
        try await IdentityCoreHarness.with { h in
            let (_, enrollment, session) = try await h.verifiedUser()
            let wrong = try h.code(enrollment, offset: 7)
            for round in 0..<2 {
                h.advance(30)
                for _ in 0..<4 {
                    await expectPublicError("INVALID_TOKEN") { _ = try await h.verify(session, enrollment.factorID, code: wrong) }
                }
                _ = try await h.verify(session, enrollment.factorID, code: try h.code(enrollment))
                _ = round
            }
        }
    }
}
