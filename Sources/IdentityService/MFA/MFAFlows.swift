import Contracts
import Foundation
import ServiceKit
import Wire

/// `identity.MFAEnroll`, `identity.MFAVerify` and `identity.MFADeleteFactor`: TOTP factors (RFC 6238, SHA-1,
/// 6 digits, 30 s, ±1 step) with recovery codes, for the call's signed-in user (`CallContext.subject`).
///
/// A factor is unverified until its first good code; that verify, and every later one, raises the calling
/// session to `aal2` (``SessionIssuer/elevate(projectID:userID:sessionID:by:)``). Each step's code is used
/// once (``MFAFactorStore/useStep(_:step:now:)``); 5 wrong codes (TOTP or recovery) in a row lock the factor
/// for 15 minutes, when even the right code gets 429. Audited: `mfa_enroll`, `mfa_verify`, `mfa_verify_failed`,
/// `mfa_locked`, `mfa_recovery_code_used`, `mfa_factor_deleted`.
final class MFAFlows: Sendable {
    let core: IdentityCore
    let factors: MFAFactorStore

    /// Creates the flows.
    init(core: IdentityCore, factors: MFAFactorStore) {
        self.core = core
        self.factors = factors
    }

    var clock: IdentityClock { core.sessions.clock }

    /// A new unverified factor: secret (20 random bytes) and 10 recovery codes, shown only in this answer. A
    /// user with a verified factor must call from an `aal2` session (an `aal1` one could add the attacker's).
    func enroll(_ context: CallContext) async throws -> MFAEnrollment {
        let (projectID, userID, sessionID) = try IdentityContext.session(context)
        try await checkMayAddFactor(projectID: projectID, userID: userID, sessionID: sessionID)
        guard let user = try await core.users.find(projectID: projectID, id: userID) else { throw IdentityContext.invalidToken }
        let secret = SecureRandom.bytes(20)
        let codes = RecoveryCodes.generate()
        let factorID = try await factors.create(
            projectID: projectID, userID: userID, secret: secret, recoveryCodes: codes, now: clock.now())
        await core.audit.record(
            projectID: projectID, action: "mfa_enroll", userID: userID, ip: context.clientAddress, detail: factorID)
        let settings = try await core.settings.settings(projectID: projectID)
        let encoded = Base32.encode(secret)
        let uri = OTPAuthURI.make(
            issuer: OTPAuthURI.issuer(siteURL: settings.siteURL, projectID: projectID), email: user.email, secret: encoded)
        return MFAEnrollment(factorID: factorID, secret: encoded, otpauthURI: uri, recoveryCodes: codes)
    }

    /// Deletes one of the user's factors; the calling session must be `aal2` (403 `FORBIDDEN` with
    /// `required_aal` first, whatever the id; then 404 for an unknown or another user's factor).
    func deleteFactor(_ request: MFAFactorRequest, _ context: CallContext) async throws -> Empty {
        let (projectID, userID, sessionID) = try IdentityContext.session(context)
        let assurance = try await liveSession(projectID: projectID, userID: userID, sessionID: sessionID)
        guard assurance.aal == "aal2" else { throw Self.needsAAL2 }
        guard try await factors.delete(projectID: projectID, userID: userID, id: request.factorID) else {
            throw PublicError.notFound("No such factor.")
        }
        await core.audit.record(
            projectID: projectID, action: "mfa_factor_deleted", userID: userID, ip: context.clientAddress,
            detail: request.factorID)
        return Empty()
    }

    /// Adding a factor (enrolling, or verifying a factor for the first time) to a user who already has a verified
    /// one needs an `aal2` session: else an attacker with a password alone could add a factor of their own.
    func checkMayAddFactor(projectID: String, userID: String, sessionID: String) async throws {
        let assurance = try await liveSession(projectID: projectID, userID: userID, sessionID: sessionID)
        if assurance.aal != "aal2", try await factors.hasVerified(projectID: projectID, userID: userID) {
            throw Self.needsAAL2
        }
    }

    /// The calling session's stored assurance; `INVALID_TOKEN` when it is revoked or gone.
    func liveSession(projectID: String, userID: String, sessionID: String) async throws -> SessionAssurance {
        guard let assurance = try await core.sessions.assurance(projectID: projectID, userID: userID, sessionID: sessionID)
        else { throw IdentityContext.invalidToken }
        return assurance
    }

    /// 403 `FORBIDDEN` with `required_aal: "aal2"`.
    static let needsAAL2 = PublicError(
        .forbidden, "This needs a session verified with a second factor.", requiredAAL: "aal2")
}
