import Contracts
import Foundation
import Testing
import Wire
@testable import IdentityService
@testable import ServiceKit

/// MFA helpers over the core harness: enroll, codes from the harness clock, verify, raw claims.
extension IdentityCoreHarness {
    /// Enrolls a factor for `session`'s user.
    func enroll(_ session: SessionView, project: String = "prj_a") async throws -> MFAEnrollment {
        try await app.mfa.enroll(try context(project, session: session))
    }

    /// The code of the step `offset` steps from the harness clock's, for `enrollment`'s secret.
    func code(_ enrollment: MFAEnrollment, offset: Int64 = 0) throws -> String {
        let secret = try #require(Base32.decode(enrollment.secret))
        return TOTP.code(secret: secret, step: TOTP.step(at: app.core.sessions.clock.now()) + offset)
    }

    /// Verifies a TOTP `code` (or a `recovery` code) of `factorID` in `session`.
    func verify(
        _ session: SessionView, _ factorID: String, code: String? = nil, recovery: String? = nil, project: String = "prj_a"
    ) async throws -> SessionView {
        try await app.mfa.verify(
            MFAVerifyRequest(factorID: factorID, code: code, recoveryCode: recovery), try context(project, session: session))
    }

    /// A signed-up user's first session, enrolled and verified: (aal1 session, enrollment, aal2 session).
    func verifiedUser(_ email: String = "ada@example.com") async throws -> (SessionView, MFAEnrollment, SessionView) {
        let first = try #require(try await signup("prj_a", email).session)
        let enrollment = try await enroll(first)
        let elevated = try await verify(first, enrollment.factorID, code: try code(enrollment))
        return (first, enrollment, elevated)
    }

    /// A password sign-in of `email`.
    func signIn(_ email: String = "ada@example.com") async throws -> SessionView {
        try await app.accounts.passwordGrant(
            PasswordGrantRequest(email: email, password: "correct horse"), try context("prj_a"))
    }

    /// The audit actions recorded, oldest first.
    func auditActions() async throws -> [String] {
        try await pool.query("SELECT action FROM \(schema).audit_events ORDER BY seq").map { try $0.decode(String.self, at: 0) }
    }
}
