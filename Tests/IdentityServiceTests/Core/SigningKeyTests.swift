import Contracts
import Foundation
import Testing
import Wire
@testable import IdentityService
@testable import ServiceKit

@Suite("Access tokens and signing keys", .enabled(if: IdentityCoreHarness.isAvailable))
struct SigningKeyTests {
    @Test("the access token carries the contract's claims, signed by the current key")
    func claims() async throws {
        try await IdentityCoreHarness.with { h in
            let session = try #require(try await h.signup("prj_a", "Ada@Example.com").session)
            let claims = try await h.decode(session.accessToken, audience: "prj_a")
            #expect(claims.iss == "test-issuer")
            #expect(claims.sub == session.user.id)
            #expect(claims.aud == "prj_a")
            #expect(claims.sid.hasPrefix("ses_"))
            #expect(claims.role == "authenticated")
            #expect(claims.email == "ada@example.com")
            #expect(claims.exp - claims.iat == 3600)
            #expect(session.expiresAt == Date(timeIntervalSince1970: TimeInterval(claims.exp)))
            let keys = try await h.app.keys.publicKeys(issuer: h.app.issuer)
            #expect(try IdentityCoreHarness.kid(session.accessToken) == keys.keys.first?.kid)
            #expect(keys.keys.count == 1 && keys.keys[0].retiresAt == nil && keys.keys[0].algorithm == "EdDSA")
            // Another project's audience is refused by a verifier.
            await #expect(throws: JWTError.self) { _ = try await h.decode(session.accessToken, audience: "prj_b") }
        }
    }

    @Test("the published keys answer Wire inline from memory while fresh, and not before a load or once stale")
    func cachedPublishedKeys() async throws {
        try await IdentityCoreHarness.with { h in
            let ring = h.app.keys
            let encoded = try await ring.encodedPublicKeys(issuer: h.app.issuer)
            #expect(ring.cachedEncodedPublicKeys(issuer: h.app.issuer)?.bytes == encoded.bytes)
            #expect(ring.cachedEncodedPublicKeys(issuer: "another-issuer") == nil)
            h.advance(ring.publishedCacheInterval + 1)
            #expect(ring.cachedEncodedPublicKeys(issuer: h.app.issuer) == nil)
        }
    }

    @Test("the access token lifetime is a per-project setting")
    func lifetime() async throws {
        try await IdentityCoreHarness.with { h in
            let settings = try await h.app.core.settings.update(projectID: "prj_a", UpdateIdentitySettingsRequest(accessTokenLifetime: 600))
            #expect(settings.accessTokenLifetime == 600)
            let session = try #require(try await h.signup("prj_a", "ada@example.com").session)
            let claims = try await h.decode(session.accessToken)
            #expect(claims.exp - claims.iat == 600 && session.expiresIn == 600)
            let other = try #require(try await h.signup("prj_b", "ada@example.com").session)
            #expect(other.expiresIn == 3600)
            await expectPublicError("VALIDATION_FAILED") {
                _ = try await h.app.core.settings.update(projectID: "prj_a", UpdateIdentitySettingsRequest(accessTokenLifetime: 10))
            }
        }
    }

    @Test("rotation: the new key signs; the old key stays published until its tokens expired, then goes")
    func rotation() async throws {
        try await IdentityCoreHarness.with(rotation: 3600) { h in
            let ring = h.app.keys
            let old = try await ring.currentKey().kid
            #expect(try await ring.rotateIfDue() == false)
            let before = try #require(try await h.signup("prj_a", "ada@example.com").session)
            #expect(try IdentityCoreHarness.kid(before.accessToken) == old)

            h.advance(3601)
            #expect(try await ring.rotateIfDue())
            #expect(try await ring.rotateIfDue() == false)
            let after = try await h.app.accounts.passwordGrant(
                PasswordGrantRequest(email: "ada@example.com", password: "correct horse"), try h.context("prj_a"))
            let new = try IdentityCoreHarness.kid(after.accessToken)
            #expect(new != old)
            let published = try await ring.publicKeys(issuer: h.app.issuer)
            #expect(published.keys.map(\.kid) == [new, old])
            #expect(published.keys[0].retiresAt == nil)
            let retiresAt = try #require(published.keys[1].retiresAt)
            #expect(retiresAt >= Date(timeIntervalSince1970: TimeInterval(try await h.decode(before.accessToken).exp)))
            // Tokens of both keys verify while both are published.
            _ = try await h.decode(before.accessToken)
            _ = try await h.decode(after.accessToken)

            h.advance(retiresAt.timeIntervalSince(h.app.core.sessions.clock.now()) + 1)
            #expect(try await ring.publicKeys(issuer: h.app.issuer).keys.map(\.kid) == [new])
            #expect(try await ring.prune() == 1)
            #expect(try await h.count("signing_keys") == 1)
        }
    }

    @Test("replicas agree on one key and pick up a rotation on reload; seeds are sealed")
    func replicas() async throws {
        let first = try await IdentityCoreHarness()
        let second = try await IdentityCoreHarness(schema: first.schema, masterKey: first.masterKey)
        do {
            #expect(try await first.count("signing_keys") == 1)
            let kid = try await first.app.keys.currentKey().kid
            #expect(try await second.app.keys.currentKey().kid == kid)
            let row = try await first.pool.query("SELECT sealed_seed, public_key FROM \(first.schema).signing_keys")[0]
            let (sealed, publicKey) = try row.decode(([UInt8], [UInt8]).self)
            #expect(sealed.count == 32 + 28)
            let seed = try AES256GCM.open(sealed, key: first.masterKey, authenticating: Array(kid.utf8))
            #expect(try Ed25519PrivateKey(rawRepresentation: seed).publicKey.rawRepresentation == publicKey)
            // A concurrent bootstrap never makes a second current key.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 { group.addTask { try await second.app.keys.bootstrap() } }
                try await group.waitForAll()
            }
            #expect(try await first.count("signing_keys", where: "retired_at IS NULL") == 1)
        } catch {
            await second.close(keepSchema: true)
            await first.close()
            throw error
        }
        await second.close(keepSchema: true)
        await first.close()
    }
}
