import Wire

/// The identity limits the Router states and checks at the edge (IdentityService checks them too, with the
/// address syntax and the allow-lists): one place, to repoint at the contracts' constants.
enum IdentityLimits {
    /// An email address's length (RFC 5321 path limit).
    static let email = 1...254
    /// A new password's length (the service counts bytes up to 1,024 and characters from 8).
    static let password = 8...1024
    /// An access token's lifetime, in seconds.
    static let accessTokenLifetime = 60...86_400
    /// A link's (magic link, recovery, confirmation) lifetime, in seconds.
    static let linkLifetime = 60...(7 * 86_400)
    /// The most redirect URLs.
    static let redirects = 0...100
    /// The one-time token kinds of `POST /v1/auth/verify`.
    static let verifyTypes = ["magiclink", "signup", "recovery"]
}

extension BodyField {
    /// An email address (`format: email`; the service checks the syntax).
    static func email(_ name: String, _ keyPath: WritableKeyPath<Root, String> & Sendable) -> BodyField {
        let field = string(name, keyPath, length: IdentityLimits.email)
        return BodyField(name: name, schema: field.schema.adding("format", "email"), required: true, read: field.read)
    }
}

extension JSONValue {
    /// This object with one more member.
    func adding(_ name: String, _ value: JSONValue) -> JSONValue {
        guard case .object(let members) = self else { return self }
        return .object(members + [(name, value)])
    }
}

/// `POST /v1/auth/signup`.
struct SignupBody: RequestBody {
    var email = ""
    var password = ""
    var data: JSONValue?

    static let fields: [BodyField<Self>] = [
        .email("email", \.email), .string("password", \.password, length: IdentityLimits.password),
        .jsonObject("data", \.data, description: "The user's own data (any JSON object)."),
    ]
}

/// `POST /v1/auth/token`: `email` and `password` (`?grant_type=password`) or `refresh_token`
/// (`?grant_type=refresh_token`).
struct TokenBody: RequestBody {
    var email: String?
    var password: String?
    var refreshToken: String?
    var authCode: String?
    var codeVerifier: String?

    static let fields: [BodyField<Self>] = [
        .string("email", \.email), .string("password", \.password), .string("refresh_token", \.refreshToken),
        .string("auth_code", \.authCode), .string("code_verifier", \.codeVerifier),
    ]
    static let rules: [BodyRule<Self>] = [
        BodyRule(schema: [("anyOf", [
            ["required": ["email", "password"]], ["required": ["refresh_token"]], ["required": ["auth_code", "code_verifier"]],
        ])]) { _, _ in },
    ]
}

/// `POST /v1/auth/magiclink` and `/v1/auth/recover`.
struct EmailLinkBody: RequestBody {
    var email = ""
    var redirectTo: String?

    static let fields: [BodyField<Self>] = [.email("email", \.email), .string("redirect_to", \.redirectTo)]
}

/// `POST /v1/auth/verify`: a `token`, or an `email` and a `code`.
struct VerifyBody: RequestBody {
    var type = ""
    var token: String?
    var email: String?
    var code: String?

    static let fields: [BodyField<Self>] = [
        .string("type", \.type, values: IdentityLimits.verifyTypes), .string("token", \.token, length: 1...Int.max),
        .string("email", \.email, length: IdentityLimits.email), .string("code", \.code, length: 1...Int.max),
    ]
    static let rules: [BodyRule<Self>] = [
        BodyRule(schema: [("anyOf", [["required": ["token"]], ["required": ["email", "code"]]])]) { body, prefix in
            guard body.token != nil || (body.email != nil && body.code != nil) else {
                throw RouterError.validation(prefix + (body.email == nil ? "token" : "code"), "Send either token, or email and code.")
            }
        },
    ]
}

/// `PUT /v1/auth/user`.
struct UpdateUserBody: RequestBody {
    var password: String?
    var data: JSONValue?

    static let fields: [BodyField<Self>] = [
        .string("password", \.password, length: IdentityLimits.password),
        .jsonObject("data", \.data, description: "The user's own data (any JSON object)."),
    ]
}

/// `POST /v1/auth/logout`.
struct LogoutBody: RequestBody {
    var scope: String?

    static let fields: [BodyField<Self>] = [.string("scope", \.scope, values: ["local", "global"])]
}

/// `PUT /v1/auth/admin/settings`: any subset.
struct IdentitySettingsBody: RequestBody {
    var siteURL: String?
    var redirectAllowList: [String]?
    var confirmEmail: Bool?
    var accessTokenLifetime: Int?
    var magicLinkLifetime: Int?
    var recoveryLifetime: Int?
    var confirmationLifetime: Int?

    static let fields: [BodyField<Self>] = [
        .string("site_url", \.siteURL, description: "An http or https URL; empty clears it."),
        .strings("redirect_allow_list", \.redirectAllowList, count: IdentityLimits.redirects),
        .boolean("confirm_email", \.confirmEmail),
        .integer("access_token_lifetime", \.accessTokenLifetime, range: IdentityLimits.accessTokenLifetime),
        .integer("magic_link_lifetime", \.magicLinkLifetime, range: IdentityLimits.linkLifetime),
        .integer("recovery_lifetime", \.recoveryLifetime, range: IdentityLimits.linkLifetime),
        .integer("confirmation_lifetime", \.confirmationLifetime, range: IdentityLimits.linkLifetime),
    ]
}
