import Contracts
import Foundation
import ServiceKit
import Wire

extension MFAFlows {
    /// Checks a TOTP `code` (±1 step, each step once) or a `recoveryCode` of the user's factor and raises the
    /// calling session to `aal2`. Wrong, replayed, or a recovery code of an unverified factor → 401
    /// `INVALID_TOKEN` (counted); locked → 429 `RATE_LIMITED` with `retry_after`; unknown factor → 404.
    func verify(_ request: MFAVerifyRequest, _ context: CallContext) async throws -> SessionView {
        let (projectID, userID, sessionID) = try IdentityContext.session(context)
        let method = try Self.method(of: request)
        guard let factor = try await factors.factor(projectID: projectID, userID: userID, id: request.factorID) else {
            throw PublicError.notFound("No such factor.")
        }
        if !factor.verified { try await checkMayAddFactor(projectID: projectID, userID: userID, sessionID: sessionID) }
        let now = clock.now()
        if let lockedUntil = factor.lockedUntil, lockedUntil > now { throw Self.locked(until: lockedUntil, now: now) }
        var passed = false
        var detail = method.rawValue
        switch method {
        case .totp:
            if let step = TOTP.matchingStep(code: request.code ?? "", secret: factor.secret, at: now) {
                passed = try await factors.useStep(factor, step: step, now: now)
                if passed, !factor.verified { detail += ", factor verified" }
            }
        default:
            if factor.verified, let left = try await factors.spendRecoveryCode(factor, code: request.recoveryCode ?? "", now: now) {
                passed = true
                await core.audit.record(
                    projectID: projectID, action: "mfa_recovery_code_used", userID: userID, ip: context.clientAddress,
                    detail: "\(factor.id), \(left) left")
            }
        }
        guard passed else {
            try await failed(factor, projectID: projectID, userID: userID, context: context, now: now)
        }
        let session = try await core.sessions.elevate(
            projectID: projectID, userID: userID, sessionID: sessionID, by: method)
        await core.audit.record(
            projectID: projectID, action: "mfa_verify", userID: userID, ip: context.clientAddress,
            detail: "\(factor.id), \(detail)")
        return session
    }

    /// Counts the failure, audits it (and the lock it may start), and throws 401 `INVALID_TOKEN`.
    private func failed(
        _ factor: MFAFactorStore.Factor, projectID: String, userID: String, context: CallContext, now: Date
    ) async throws -> Never {
        let failure = try await factors.recordFailure(factor, now: now)
        await core.audit.record(
            projectID: projectID, action: "mfa_verify_failed", userID: userID, ip: context.clientAddress,
            detail: "\(factor.id), \(failure.failures) in a row")
        if failure.failures == MFAFactorStore.maxFailures {
            await core.audit.record(
                projectID: projectID, action: "mfa_locked", userID: userID, ip: context.clientAddress,
                detail: "\(factor.id), \(Int(MFAFactorStore.lockDuration)) s")
        }
        throw PublicError(.invalidToken, "The code is not valid.")
    }

    /// `totp` or `recoveryCode` from the request's shape; 400 unless exactly one is given and well formed.
    static func method(of request: MFAVerifyRequest) throws -> AuthMethod {
        switch (request.code, request.recoveryCode) {
        case (let code?, nil):
            guard code.utf8.count == TOTP.digits, code.utf8.allSatisfy({ (48...57).contains($0) }) else {
                throw PublicError.validation("code", "The code must be 6 digits.")
            }
            return .totp
        case (nil, let recovery?):
            guard RecoveryCodes.isWellFormed(recovery) else {
                throw PublicError.validation("recovery_code", "A recovery code looks like xxxxx-xxxxx.")
            }
            return .recoveryCode
        default:
            throw PublicError.validation("code", "Pass either a code or a recovery_code.")
        }
    }

    /// 429 `RATE_LIMITED` until the lock ends.
    static func locked(until: Date, now: Date) -> PublicError {
        PublicError(
            .rateLimited, "Too many wrong codes; this factor is locked for a while.",
            retryAfter: max(1, Int(until.timeIntervalSince(now).rounded(.up))), limit: "mfa_factor")
    }
}
