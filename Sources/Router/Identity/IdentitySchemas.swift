/// JSON Schemas of the identity routes' responses, for the OpenAPI document (request bodies are described by
/// their ``RequestBody`` types).
enum IdentitySchemas {
    private static let string = Schemas.string
    private static let integer: JSONValue = ["type": "integer"]
    private static let boolean: JSONValue = ["type": "boolean"]
    private static let dataObject: JSONValue = ["type": "object", "description": "The user's own data (any JSON object)."]

    /// A user.
    static let user = Schemas.object([
        ("id", string), ("email", string), ("email_confirmed_at", Schemas.optionalTimestamp),
        ("created_at", Schemas.timestamp), ("last_sign_in_at", Schemas.optionalTimestamp), ("data", dataObject),
    ])
    /// A session.
    static let session = Schemas.object([
        ("access_token", string), ("token_type", ["type": "string", "enum": ["bearer"]]), ("expires_in", integer),
        ("expires_at", Schemas.timestamp), ("refresh_token", string), ("user", user),
    ])
    /// Signup's answer.
    static let signupResult = Schemas.object([("user", user), ("session", session)], optional: ["session"])
    /// An audit event.
    static let audit = Schemas.object(
        [("at", Schemas.timestamp), ("action", string), ("user_id", ["type": ["string", "null"]]),
         ("ip", ["type": ["string", "null"]]), ("detail", ["type": ["string", "null"]])])
    /// A JWKS document.
    static let jwks = Schemas.object([("keys", ["type": "array", "items": Schemas.object([
        ("kty", ["type": "string", "enum": ["OKP"]]), ("crv", ["type": "string", "enum": ["Ed25519"]]), ("x", string),
        ("kid", string), ("alg", ["type": "string", "enum": ["EdDSA"]]), ("use", ["type": "string", "enum": ["sig"]]),
    ])])])
    /// `POST /v1/auth/mfa/enroll`'s answer.
    static let mfaEnrollment = Schemas.object([
        ("factor_id", string), ("secret", string), ("otpauth_uri", string),
        ("recovery_codes", ["type": "array", "items": string, "minItems": 10, "maxItems": 10]),
    ])
    /// A configured social provider (never its secret).
    static let provider = Schemas.object([
        ("provider", string), ("client_id", string), ("enabled", boolean), ("issuer", ["type": ["string", "null"]]),
        ("updated_at", Schemas.timestamp),
    ])
    /// A provider identity of a user.
    static let identity = Schemas.object([
        ("provider", string), ("provider_user_id", string), ("email", ["type": ["string", "null"]]),
        ("created_at", Schemas.timestamp),
    ])
    /// `{}`.
    static let empty: JSONValue = ["type": "object"]

    /// The identity settings.
    static let settings = Schemas.object([
        ("site_url", ["type": ["string", "null"]]), ("redirect_allow_list", ["type": "array", "items": string]),
        ("confirm_email", boolean), ("access_token_lifetime", integer), ("magic_link_lifetime", integer),
        ("recovery_lifetime", integer), ("confirmation_lifetime", integer),
    ])
}
