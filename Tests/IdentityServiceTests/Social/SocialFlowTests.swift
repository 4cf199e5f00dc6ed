import Contracts
import Foundation
import Testing
import Wire
@testable import IdentityService
@testable import ServiceKit

/// Social login inside IdentityService with a manual clock, against a fake GitHub (real HTTP): state expiry and
/// forgery, the auth code's lifetime, GitHub's verified primary email, and the pre-registered unconfirmed account.
@Suite("Social login flows", .serialized, .enabled(if: IdentityCoreHarness.isAvailable, "PURRPURR_TEST_DATABASE_URL is not set"))
struct SocialFlowTests {
    static let verifier = "test-verifier-0123456789-abcdefghijklmnopqrstuvwxyz"
    static let redirect = "http://localhost:5173/auth"

    /// A harness whose `github` provider is the fake.
    static func with(_ body: (IdentityCoreHarness, FakeGitHub, CallContext) async throws -> Void) async throws {
        let github = try FakeGitHub()
        var catalog = SocialProviderCatalog.standard
        catalog.github = GitHubEndpoints(
            authorize: github.base + "/login/oauth/authorize", token: github.base + "/login/oauth/access_token", api: github.base)
        catalog.apple = github.base
        let harness = try await IdentityCoreHarness(
            social: SocialConfig(callbackURL: "https://api.test/v1/auth/callback", allowsPrivateNetworks: true, catalog: catalog))
        let context = try harness.context("prj_social")
        do {
            _ = try await harness.app.social.putProvider(
                PutProviderRequest(provider: "github", clientID: "gh-client", clientSecret: "gh-secret", enabled: true), context)
            try await body(harness, github, context)
        } catch {
            await harness.close()
            await github.stop()
            throw error
        }
        await harness.close()
        await github.stop()
    }

    /// Starts a sign-in and answers the state the provider would send back.
    static func authorize(_ harness: IdentityCoreHarness, _ context: CallContext) async throws -> String {
        let redirect = try await harness.app.social.authorize(AuthorizeRequest(
            provider: "github", redirectTo: Self.redirect, codeChallenge: Base64URL.encode(SHA256.hash(verifier)),
            codeChallengeMethod: "S256"), context)
        #expect(redirect.url.contains("code_challenge_method=S256"))
        #expect(!redirect.url.contains("nonce="), "GitHub is not OpenID: no nonce")
        let query = try #require(redirect.url.split(separator: "?").last)
        let state = query.split(separator: "&").first { $0.hasPrefix("state=") }?.dropFirst("state=".count)
        return try #require(state.flatMap { HTTPRequest.percentDecoded($0) })
    }

    static func parameter(_ name: String, _ url: String) -> String? {
        url.split(separator: "?").last?.split(separator: "&").first { $0.hasPrefix(name + "=") }
            .map { String($0.dropFirst(name.count + 1)) }
    }

    @Test("the secret is sealed at rest; unknown providers, a disabled one, bad challenges and redirects are refused")
    func configuration() async throws {
        try await Self.with { harness, _, context in
            let stored = try await harness.pool.query(
                "SELECT sealed_secret FROM \(harness.schema).oauth_providers WHERE provider = 'github'", [])[0].decode([UInt8].self, at: 0)
            #expect(!String(decoding: stored, as: UTF8.self).contains("gh-secret"))
            let social = harness.app.social
            let challenge = Base64URL.encode(SHA256.hash(Self.verifier))
            await expectPublicError("VALIDATION_FAILED") {
                _ = try await social.authorize(.init(provider: "google", redirectTo: Self.redirect, codeChallenge: challenge, codeChallengeMethod: "S256"), context)
            }
            await expectPublicError("VALIDATION_FAILED") {
                _ = try await social.authorize(.init(provider: "github", redirectTo: Self.redirect, codeChallenge: challenge, codeChallengeMethod: "plain"), context)
            }
            await expectPublicError("VALIDATION_FAILED") {
                _ = try await social.authorize(.init(provider: "github", redirectTo: "https://evil.example/", codeChallenge: challenge, codeChallengeMethod: "S256"), context)
            }
            await expectPublicError("VALIDATION_FAILED") {
                _ = try await social.putProvider(.init(provider: "oidc", clientID: "c", clientSecret: "s", enabled: true), context)
            }
            _ = try await social.putProvider(.init(provider: "github", clientID: "gh-client", clientSecret: "gh-secret", enabled: false), context)
            await expectPublicError("VALIDATION_FAILED") {
                _ = try await social.authorize(.init(provider: "github", redirectTo: Self.redirect, codeChallenge: challenge, codeChallengeMethod: "S256"), context)
            }
        }
    }

    @Test("a forged state, an expired one (10 min) and a replayed one are INVALID_TOKEN")
    func state() async throws {
        try await Self.with { harness, github, context in
            github.emails.withLock { $0 = [["email": "oct@example.test", "primary": true, "verified": true]] }
            let social = harness.app.social
            let state = try await Self.authorize(harness, context)
            let tampered = String(state.dropLast()) + (state.hasSuffix("A") ? "B" : "A")
            await expectPublicError("INVALID_TOKEN") { _ = try await social.callback(.init(state: tampered, code: "good-code"), context) }
            await expectPublicError("INVALID_TOKEN") { _ = try await social.callback(.init(state: "oaf_nope", code: "good-code"), context) }
            harness.advance(601)
            await expectPublicError("INVALID_TOKEN") { _ = try await social.callback(.init(state: state, code: "good-code"), context) }

            let fresh = try await Self.authorize(harness, context)
            let done = try await social.callback(.init(state: fresh, code: "good-code"), context)
            #expect(Self.parameter("code", done.url) != nil, "\(done.url)")
            await expectPublicError("INVALID_TOKEN") { _ = try await social.callback(.init(state: fresh, code: "good-code"), context) }

            // The provider's refusal still spends the state and reaches the app as ?error=.
            let denied = try await social.callback(.init(state: try await Self.authorize(harness, context), code: nil, error: "access_denied"), context)
            #expect(Self.parameter("error", denied.url) == "access_denied")
        }
    }

    @Test("the auth code lives 5 minutes and is single use; the verifier must match")
    func authCode() async throws {
        try await Self.with { harness, github, context in
            github.emails.withLock { $0 = [["email": "oct@example.test", "primary": true, "verified": true]] }
            let social = harness.app.social
            func code() async throws -> String {
                let done = try await social.callback(.init(state: try await Self.authorize(harness, context), code: "good-code"), context)
                return try #require(Self.parameter("code", done.url))
            }
            let expiring = try await code()
            harness.advance(301)
            await expectPublicError("INVALID_TOKEN") { _ = try await social.pkceGrant(.init(authCode: expiring, codeVerifier: Self.verifier), context) }
            let good = try await code()
            let session = try await social.pkceGrant(.init(authCode: good, codeVerifier: Self.verifier), context)
            #expect(session.user.email == "oct@example.test")
            #expect(try IdentityCoreHarness.rawClaims(session.accessToken)["aal"] as? String == "aal1")
            let amr = try IdentityCoreHarness.rawClaims(session.accessToken)["amr"] as? [[String: Any]]
            #expect(amr?.first?["method"] as? String == "oauth")
            await expectPublicError("INVALID_TOKEN") { _ = try await social.pkceGrant(.init(authCode: good, codeVerifier: Self.verifier), context) }
        }
    }

    @Test("GitHub: only the primary email counts, linked only when verified")
    func githubEmails() async throws {
        try await Self.with { harness, github, context in
            let social = harness.app.social
            let existing = try await harness.signup("prj_social", "dev@example.test")
            try await harness.app.core.users.confirmEmail(projectID: "prj_social", userID: existing.user.id, at: Date())
            // A verified secondary address is ignored; the primary is unverified: no link to the existing user.
            github.emails.withLock {
                $0 = [["email": "dev@example.test", "primary": true, "verified": false],
                      ["email": "other@example.test", "primary": false, "verified": true]]
            }
            let refused = try await social.callback(.init(state: try await Self.authorize(harness, context), code: "good-code"), context)
            #expect(Self.parameter("error", refused.url) == "email_not_verified", "\(refused.url)")
            #expect(try await harness.count("identities") == 0)

            github.emails.withLock { $0 = [["email": "DEV@example.test", "primary": true, "verified": true]] }
            let linked = try await social.callback(.init(state: try await Self.authorize(harness, context), code: "good-code"), context)
            let code = try #require(Self.parameter("code", linked.url), "\(linked.url)")
            let session = try await social.pkceGrant(.init(authCode: code, codeVerifier: Self.verifier), context)
            #expect(session.user.id == existing.user.id)
            let identities = try await social.links.list(try harness.context("prj_social", session: session))
            #expect(identities.data.map(\.providerUserID) == [String(github.userID)])
            // A password is another way in: the identity may be unlinked, then there is none to unlink.
            let signedIn = try harness.context("prj_social", session: session)
            _ = try await social.links.unlink(.init(provider: "github"), signedIn)
            await expectPublicError("NOT_FOUND") { _ = try await social.links.unlink(.init(provider: "github"), signedIn) }
        }
    }

    @Test("a verified identity takes over a pre-registered unconfirmed account: its password and sessions end")
    func preRegistration() async throws {
        try await Self.with { harness, github, context in
            let squatter = try await harness.signup("prj_social", "victim@example.test")
            #expect(squatter.session != nil)
            github.emails.withLock { $0 = [["email": "victim@example.test", "primary": true, "verified": true]] }
            let done = try await harness.app.social.callback(
                .init(state: try await Self.authorize(harness, context), code: "good-code"), context)
            #expect(Self.parameter("code", done.url) != nil, "\(done.url)")
            #expect(try await harness.count("users", where: "id = $1 AND password_hash IS NULL", [squatter.user.id]) == 1)
            #expect(try await harness.count("sessions", where: "user_id = $1 AND revoked_at IS NULL", [squatter.user.id]) == 0)
            await expectPublicError("INVALID_CREDENTIALS") {
                _ = try await harness.app.accounts.passwordGrant(.init(email: "victim@example.test", password: "correct horse"), context)
            }
        }
    }

    @Test("a social sign-in of a user with a verified factor starts at aal1 with mfa: true (gated until verified)")
    func mfaGate() async throws {
        try await Self.with { harness, github, _ in
            let context = try harness.context("prj_a")
            _ = try await harness.app.social.putProvider(
                PutProviderRequest(provider: "github", clientID: "gh-client", clientSecret: "gh-secret", enabled: true), context)
            let (first, _, _) = try await harness.verifiedUser("mfa@example.test")
            try await harness.app.core.users.confirmEmail(projectID: "prj_a", userID: first.user.id, at: Date())
            github.emails.withLock { $0 = [["email": "mfa@example.test", "primary": true, "verified": true]] }
            let done = try await harness.app.social.callback(
                .init(state: try await Self.authorize(harness, context), code: "good-code"), context)
            let code = try #require(Self.parameter("code", done.url), "\(done.url)")
            let session = try await harness.app.social.pkceGrant(.init(authCode: code, codeVerifier: Self.verifier), context)
            let claims = try IdentityCoreHarness.rawClaims(session.accessToken)
            #expect(session.user.id == first.user.id)
            #expect(claims["aal"] as? String == "aal1")
            #expect(claims["mfa"] as? Bool == true)
        }
    }

    @Test("OpenID providers get a nonce and the discovery document's endpoint; Apple is asked for a form POST")
    func appleAuthorize() async throws {
        try await Self.with { harness, github, context in
            _ = try await harness.app.social.putProvider(
                PutProviderRequest(provider: "apple", clientID: "apple-client", clientSecret: "a-signed-jwt", enabled: true), context)
            let redirect = try await harness.app.social.authorize(AuthorizeRequest(
                provider: "apple", redirectTo: Self.redirect, codeChallenge: Base64URL.encode(SHA256.hash(Self.verifier)),
                codeChallengeMethod: "S256"), context)
            #expect(redirect.url.hasPrefix(github.base + "/authorize?"))
            #expect(redirect.url.contains("response_mode=form_post"))
            #expect(redirect.url.contains("nonce="))
            #expect(redirect.url.contains("scope=openid%20email%20profile"))
        }
    }
}
