import Wire

extension IdentityContract {
    /// `identity.MFAEnroll`: a new, unverified TOTP factor for the context's user: its secret (shown once) and
    /// 10 recovery codes. A user who already has a verified factor needs an `aal2` session (`FORBIDDEN`,
    /// `required_aal`).
    public static let mfaEnroll = MethodDescriptor<Empty, MFAEnrollment>(
        "identity.MFAEnroll", allowedCallers: .only(["router"]))
    /// `identity.MFAVerify`: a TOTP code or a recovery code of one of the user's factors → the calling
    /// session raised to `aal2` (`INVALID_TOKEN` when wrong or replayed, `RATE_LIMITED` while locked,
    /// `NOT_FOUND` for an unknown factor).
    public static let mfaVerify = MethodDescriptor<MFAVerifyRequest, SessionView>(
        "identity.MFAVerify", allowedCallers: .only(["router"]))
    /// `identity.MFADeleteFactor`: removes one of the user's factors; needs an `aal2` session.
    public static let mfaDeleteFactor = MethodDescriptor<MFAFactorRequest, Empty>(
        "identity.MFADeleteFactor", allowedCallers: .only(["router"]))
}

/// `identity.MFAEnroll`'s answer. The secret and the recovery codes are never shown again.
public struct MFAEnrollment: Codable, Sendable, Hashable {
    /// The factor's id (`mfa_…`).
    public var factorID: String
    /// The TOTP secret, base32 without padding.
    public var secret: String
    /// `otpauth://totp/<issuer>:<email>?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30` (for a QR code).
    public var otpauthURI: String
    /// 10 single-use recovery codes (`xxxxx-xxxxx`).
    public var recoveryCodes: [String]

    /// Creates an answer.
    public init(factorID: String, secret: String, otpauthURI: String, recoveryCodes: [String]) {
        self.factorID = factorID
        self.secret = secret
        self.otpauthURI = otpauthURI
        self.recoveryCodes = recoveryCodes
    }
}

/// `identity.MFAVerify`'s request: the factor and either a TOTP `code` or a `recoveryCode`.
public struct MFAVerifyRequest: Codable, Sendable, Hashable {
    /// The factor.
    public var factorID: String
    /// The 6-digit code of the authenticator app.
    public var code: String?
    /// One of the factor's recovery codes.
    public var recoveryCode: String?

    /// Creates a request.
    public init(factorID: String, code: String? = nil, recoveryCode: String? = nil) {
        self.factorID = factorID
        self.code = code
        self.recoveryCode = recoveryCode
    }
}

/// A request naming one factor of the context's user.
public struct MFAFactorRequest: Codable, Sendable, Hashable {
    /// The factor.
    public var factorID: String

    /// Creates a request.
    public init(factorID: String) { self.factorID = factorID }
}

extension IdentityContract.Client {
    /// Calls `identity.MFAEnroll`.
    public func mfaEnroll(_ context: CallContext) async throws -> MFAEnrollment {
        try await client.call(IdentityContract.mfaEnroll, Empty(), context)
    }
    /// Calls `identity.MFAVerify`.
    public func mfaVerify(_ request: MFAVerifyRequest, _ context: CallContext) async throws -> SessionView {
        try await client.call(IdentityContract.mfaVerify, request, context)
    }
    /// Calls `identity.MFADeleteFactor`.
    public func mfaDeleteFactor(_ request: MFAFactorRequest, _ context: CallContext) async throws {
        _ = try await client.call(IdentityContract.mfaDeleteFactor, request, context)
    }
}
