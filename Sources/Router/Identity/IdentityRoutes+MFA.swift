import Contracts
import Foundation
import Wire

/// `/v1/auth/mfa/*`: TOTP factors of the signed-in user. These routes accept `aal1` tokens (a user signing
/// in with a factor reaches them before verifying); Identity itself asks `aal2` for deleting a factor and for
/// enrolling another one once a factor is verified.
extension IdentityRoutes {
    /// The MFA routes.
    var mfaRoutes: [Route] { [
        Route(.post, "/v1/auth/mfa/enroll", auth: .keyAndBearer, tag: "auth",
              summary: "Start a TOTP factor: its secret, otpauth URI and 10 recovery codes (shown once)",
              body: MFAEnrollBody.self, response: .init(status: 200, schema: IdentitySchemas.mfaEnrollment),
              acceptsAAL1: true, handler: mfaEnroll),
        Route(.post, "/v1/auth/mfa/verify", auth: .keyAndBearer, tag: "auth",
              summary: "Verify a TOTP code or a recovery code; returns the session at aal2",
              body: MFAVerifyBody.self, response: .init(status: 200, schema: IdentitySchemas.session),
              acceptsAAL1: true, handler: mfaVerify),
        Route(.delete, "/v1/auth/mfa/factors/{id}", auth: .keyAndBearer, tag: "auth",
              summary: "Remove a factor (needs an aal2 session)", response: .init(status: 204, schema: nil),
              acceptsAAL1: true, handler: mfaDeleteFactor),
    ] }

    @Sendable func mfaEnroll(_ body: MFAEnrollBody, _ context: RequestContext) async throws -> RouteResponse {
        let enrollment = try await upstream { try await identity().mfaEnroll(context.callContext) }
        return .json([
            "factor_id": .string(enrollment.factorID), "secret": .string(enrollment.secret),
            "otpauth_uri": .string(enrollment.otpauthURI),
            "recovery_codes": .array(enrollment.recoveryCodes.map(JSONValue.string)),
        ])
    }

    @Sendable func mfaVerify(_ body: MFAVerifyBody, _ context: RequestContext) async throws -> RouteResponse {
        let call = MFAVerifyRequest(factorID: body.factorID, code: body.code, recoveryCode: body.recoveryCode)
        let session = try await upstream { try await identity().mfaVerify(call, context.callContext) }
        return .json(IdentityJSON.session(session))
    }

    @Sendable func mfaDeleteFactor(_ context: RequestContext) async throws -> RouteResponse {
        let call = MFAFactorRequest(factorID: context.parameter("id"))
        try await upstream { try await identity().mfaDeleteFactor(call, context.callContext) }
        return .noContent
    }
}
