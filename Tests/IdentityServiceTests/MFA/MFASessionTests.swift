import Contracts
import Foundation
import Testing
import Wire
@testable import IdentityService
@testable import ServiceKit

@Suite("MFA: session levels, recovery codes, factor deletion", .enabled(if: IdentityCoreHarness.isAvailable))
struct MFASessionTests {
    private func refresh(_ h: IdentityCoreHarness, _ session: SessionView) async throws -> SessionView {
        try await h.app.rotation.refresh(RefreshGrantRequest(refreshToken: session.refreshToken), try h.context("prj_a"))
    }

    @Test("sessions are aal1 with amr; a user with a verified factor signs in at aal1 with mfa: true")
    func signInLevels() async throws {
        try await IdentityCoreHarness.with { h in
            let plain = try #require(try await h.signup("prj_a", "bob@example.com").session)
            let plainClaims = try await h.decode(plain.accessToken)
            #expect(plainClaims.aal == "aal1" && plainClaims.mfa == nil && !plainClaims.needsSecondFactor)
            let amr = try #require(IdentityCoreHarness.rawClaims(plain.accessToken)["amr"] as? [[String: Any]])
            #expect(amr.map { $0["method"] as? String } == ["password"])
            _ = try await h.verifiedUser()
            let next = try await h.signIn()
            let claims = try await h.decode(next.accessToken)
            #expect(claims.aal == "aal1" && claims.mfa == true && claims.needsSecondFactor)
        }
    }

    @Test("a refresh keeps the session's level: aal2 stays aal2, aal1 stays aal1 (and learns of a factor verified since)")
    func refreshKeepsLevel() async throws {
        try await IdentityCoreHarness.with { h in
            let other = try #require(try await h.signup("prj_a", "ada@example.com").session)
            let (_, _, elevated) = try await h.verifiedUserOfExisting(other)
            let refreshed = try await refresh(h, elevated)
            let claims = try await h.decode(refreshed.accessToken)
            #expect(claims.aal == "aal2" && claims.mfa == true)
            let amr = try #require(IdentityCoreHarness.rawClaims(refreshed.accessToken)["amr"] as? [[String: Any]])
            #expect(amr.map { $0["method"] as? String } == ["password", "totp"])
            // An aal1 session started before the factor was verified: refreshed, it is aal1 and now gated.
            let aal1 = try await refresh(h, other)
            let aal1Claims = try await h.decode(aal1.accessToken)
            #expect(aal1Claims.aal == "aal1" && aal1Claims.needsSecondFactor)
        }
    }

    @Test("a recovery code raises the session to aal2 once; the same code again is 401")
    func recoveryCode() async throws {
        try await IdentityCoreHarness.with { h in
            let (_, enrollment, _) = try await h.verifiedUser()
            let session = try await h.signIn()
            let code = enrollment.recoveryCodes[3]
            let elevated = try await h.verify(session, enrollment.factorID, recovery: code.uppercased())
            #expect(try await h.decode(elevated.accessToken).aal == "aal2")
            let amr = try #require(IdentityCoreHarness.rawClaims(elevated.accessToken)["amr"] as? [[String: Any]])
            #expect(amr.map { $0["method"] as? String } == ["password", "recovery_code"])
            let again = try await h.signIn()
            await expectPublicError("INVALID_TOKEN") { _ = try await h.verify(again, enrollment.factorID, recovery: code) }
            await expectPublicError("INVALID_TOKEN") { _ = try await h.verify(again, enrollment.factorID, recovery: "aaaaa-aaaaa") }
            #expect(try await h.count("mfa_recovery_codes", where: "used_at IS NOT NULL") == 1)
            #expect(try await h.auditActions().contains("mfa_recovery_code_used"))
        }
    }

    @Test("a recovery code cannot verify a factor that was never verified")
    func recoveryNeedsVerifiedFactor() async throws {
        try await IdentityCoreHarness.with { h in
            let session = try #require(try await h.signup("prj_a", "ada@example.com").session)
            let enrollment = try await h.enroll(session)
            await expectPublicError("INVALID_TOKEN") {
                _ = try await h.verify(session, enrollment.factorID, recovery: enrollment.recoveryCodes[0])
            }
            #expect(try await h.count("mfa_factors", where: "verified_at IS NULL") == 1)
        }
    }

    @Test("an aal1 session of a user with a verified factor cannot verify a new factor (403), only the verified one")
    func secondFactorNeedsAAL2() async throws {
        try await IdentityCoreHarness.with { h in
            let (_, first, elevated) = try await h.verifiedUser()
            let second = try await h.enroll(elevated)
            let aal1 = try await h.signIn()
            h.advance(30)
            let refused = await expectPublicError("FORBIDDEN") {
                _ = try await h.verify(aal1, second.factorID, code: try h.code(second))
            }
            #expect(refused?.requiredAAL == "aal2")
            #expect(try await h.count("mfa_factors", where: "verified_at IS NULL") == 1)
            _ = try await h.verify(aal1, first.factorID, code: try h.code(first))
        }
    }

    @Test("housekeeping deletes enrollments left unverified for a day, never verified factors")
    func pruneAbandoned() async throws {
        try await IdentityCoreHarness.with { h in
            _ = try await h.verifiedUser()
            let other = try #require(try await h.signup("prj_a", "eve@example.com").session)
            _ = try await h.enroll(other)
            h.advance(86_000)
            await h.app.housekeeping().runOnce()
            #expect(try await h.count("mfa_factors") == 2)
            h.advance(500)
            await h.app.housekeeping().runOnce()
            #expect(try await h.count("mfa_factors") == 1)
            #expect(try await h.count("mfa_factors", where: "verified_at IS NOT NULL") == 1)
            #expect(try await h.count("mfa_recovery_codes") == 10)
        }
    }

    @Test("deleting a factor needs aal2 (403 required_aal); unknown and other users' factors are 404")
    func deleteFactor() async throws {
        try await IdentityCoreHarness.with { h in
            let (_, enrollment, elevated) = try await h.verifiedUser()
            let aal1 = try await h.signIn()
            let forbidden = await expectPublicError("FORBIDDEN") {
                _ = try await h.app.mfa.deleteFactor(MFAFactorRequest(factorID: enrollment.factorID), try h.context("prj_a", session: aal1))
            }
            #expect(forbidden?.requiredAAL == "aal2")
            // A second factor cannot be enrolled from an aal1 session either.
            await expectPublicError("FORBIDDEN") { _ = try await h.enroll(aal1) }
            let (_, otherEnrollment, otherElevated) = try await h.verifiedUser("eve@example.com")
            for id in ["mfa_nope", otherEnrollment.factorID] {
                await expectPublicError("NOT_FOUND") {
                    _ = try await h.app.mfa.deleteFactor(MFAFactorRequest(factorID: id), try h.context("prj_a", session: elevated))
                }
                await expectPublicError("NOT_FOUND") { _ = try await h.verify(elevated, id, code: "123456") }
            }
            _ = try await h.app.mfa.deleteFactor(MFAFactorRequest(factorID: enrollment.factorID), try h.context("prj_a", session: elevated))
            #expect(try await h.count("mfa_factors") == 1)
            #expect(try await h.count("mfa_recovery_codes") == 10)
            #expect(try await h.decode(try await h.signIn().accessToken).mfa == nil)
            #expect(try await h.auditActions().contains("mfa_factor_deleted"))
            _ = otherElevated
        }
    }
}

extension IdentityCoreHarness {
    /// Enrolls and verifies a factor for the user of `other` from a fresh password sign-in.
    func verifiedUserOfExisting(_ other: SessionView) async throws -> (SessionView, MFAEnrollment, SessionView) {
        let first = try await signIn(other.user.email)
        let enrollment = try await enroll(first)
        return (first, enrollment, try await verify(first, enrollment.factorID, code: try code(enrollment)))
    }
}
