import Foundation

/// GitHub's user behind an OAuth access token: `GET /user` (the numeric `id`) and `GET /user/emails`, of which
/// only the **primary** address counts, and it is verified only if GitHub says so (`verified: true`). Without
/// a primary email the sign-in has none (`email_missing`).
enum GitHubUser {
    static func fetch(api: String, accessToken: String, http: ProviderHTTP) async throws(ProviderFailure) -> IdentityLinks.ProviderUser {
        guard let user = try await http.getJSON(api + "/user", bearer: accessToken) as? [String: Any],
              let id = (user["id"] as? NSNumber)?.int64Value
        else { throw ProviderFailure("GitHub's /user has no id") }
        guard let emails = try await http.getJSON(api + "/user/emails", bearer: accessToken) as? [[String: Any]] else {
            throw ProviderFailure("GitHub's /user/emails is not a list")
        }
        let primary = emails.first { $0["primary"] as? Bool == true }
        return IdentityLinks.ProviderUser(
            provider: .github, id: String(id), email: primary?["email"] as? String,
            emailVerified: primary?["verified"] as? Bool == true)
    }
}
