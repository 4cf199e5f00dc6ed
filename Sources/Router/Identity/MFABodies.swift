import Wire

/// `POST /v1/auth/mfa/enroll`: `{}` (no members; no body counts as `{}`).
struct MFAEnrollBody: RequestBody {
    static let fields: [BodyField<Self>] = []
}

/// `POST /v1/auth/mfa/verify`: `factor_id` and either a TOTP `code` or a `recovery_code`.
struct MFAVerifyBody: RequestBody {
    var factorID = ""
    var code: String?
    var recoveryCode: String?

    static let fields: [BodyField<Self>] = [
        .string("factor_id", \.factorID, length: 1...64),
        .string("code", \.code, length: 6...6, description: "The 6 digits the authenticator app shows."),
        .string("recovery_code", \.recoveryCode, length: 1...64, description: "One of the factor's recovery codes (xxxxx-xxxxx)."),
    ]
    static let rules: [BodyRule<Self>] = [
        BodyRule(schema: [("oneOf", [["required": ["code"]], ["required": ["recovery_code"]]])]) { body, prefix in
            guard (body.code == nil) != (body.recoveryCode == nil) else {
                throw RouterError.validation(prefix + "code", "Send either code or recovery_code.")
            }
        },
    ]
}
