import Wire

/// `PUT /v1/auth/admin/providers/{provider}`: the provider's client credentials (`enabled` absent: true).
struct ProviderBody: RequestBody {
    var clientID = ""
    var clientSecret = ""
    var enabled: Bool?
    var issuer: String?

    static let fields: [BodyField<Self>] = [
        .string("client_id", \.clientID, length: 1...512, printable: true),
        .string("client_secret", \.clientSecret, length: 1...4096, description: "Sealed at rest, never shown again."),
        .boolean("enabled", \.enabled),
        .string("issuer", \.issuer, length: 1...2048, description: "An oidc provider's issuer (its discovery document's base)."),
    ]
}

/// The social providers of `PUT /v1/auth/admin/providers/{provider}` and `?provider=`.
enum SocialProviders {
    static let names = ["google", "github", "microsoft", "apple", "oidc"]
}
