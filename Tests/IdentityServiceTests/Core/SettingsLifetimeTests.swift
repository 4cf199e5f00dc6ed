import Contracts
import Foundation
import Testing
import Wire
@testable import IdentityService
@testable import ServiceKit

@Suite("Settings lifetimes", .enabled(if: IdentityCoreHarness.isAvailable))
struct SettingsLifetimeTests {
    static let configured = IdentitySettingsStore.Lifetimes(accessToken: 1200, magicLink: 300, recovery: 1800, confirmation: 7200)

    @Test("unset lifetimes are the configured defaults; a project's own value sticks, even one equal to a built-in default")
    func effective() async throws {
        try await IdentityCoreHarness.with(lifetimes: Self.configured) { h in
            let settings = h.app.core.settings
            let unset = try await settings.settings(projectID: "prj_a")
            #expect(unset == settings.unset)
            #expect(unset.accessTokenLifetime == 1200 && unset.magicLinkLifetime == 300)
            #expect(unset.recoveryLifetime == 1800 && unset.confirmationLifetime == 7200)
            // Setting other fields stores no lifetime.
            let sited = try await settings.update(projectID: "prj_a", UpdateIdentitySettingsRequest(siteURL: "https://a.example.com"))
            #expect(sited.magicLinkLifetime == 300 && sited.accessTokenLifetime == 1200)
            let raw = try await h.pool.query(
                "SELECT magic_link_lifetime, access_token_lifetime FROM \(h.schema).settings WHERE project_id = 'prj_a'")[0]
                .decode((Int?, Int?).self)
            #expect(raw.0 == nil && raw.1 == nil)
            let own = try await settings.update(
                projectID: "prj_a", UpdateIdentitySettingsRequest(accessTokenLifetime: 3600, magicLinkLifetime: 900))
            #expect(own.magicLinkLifetime == 900 && own.accessTokenLifetime == 3600 && own.recoveryLifetime == 1800)
            #expect(own.siteURL == "https://a.example.com")
            #expect(try await settings.settings(projectID: "prj_a") == own)
            // An empty site URL clears it; the rest is kept.
            let cleared = try await settings.update(projectID: "prj_a", UpdateIdentitySettingsRequest(siteURL: ""))
            #expect(cleared.siteURL == nil && cleared.magicLinkLifetime == 900)
            // A refused update changes nothing.
            await expectPublicError("VALIDATION_FAILED") {
                _ = try await settings.update(
                    projectID: "prj_a", UpdateIdentitySettingsRequest(siteURL: "https://b.example.com", recoveryLifetime: 10))
            }
            #expect(try await settings.settings(projectID: "prj_a") == cleared)
        }
    }

    @Test("access tokens get the configured default lifetime; GetSettings over the handler shows it")
    func accessToken() async throws {
        try await IdentityCoreHarness.with(lifetimes: Self.configured) { h in
            let session = try #require(try await h.signup("prj_a", "ada@example.com").session)
            #expect(session.expiresIn == 1200)
            let claims = try await h.decode(session.accessToken)
            #expect(claims.exp - claims.iat == 1200)
        }
    }

    @Test("migration 3 turns stored built-in defaults into unset lifetimes and keeps projects' own values")
    func migration() async throws {
        let url = try #require(IdentityCoreHarness.databaseURL)
        let pool = PostgresPool(configuration: try PostgresConfiguration(url: url))
        let schema = "idm_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        do {
            let all = IdentityServiceMigrations.steps(schema: schema)
            try await Migrator(schema: schema, migrations: all.filter { $0.version != 3 }).migrate(on: pool)
            try await pool.execute("INSERT INTO \(schema).settings (project_id, site_url) VALUES ('prj_old', 'https://a.example.com')")
            try await pool.execute("""
                INSERT INTO \(schema).settings (project_id, access_token_lifetime, magic_link_lifetime, recovery_lifetime,
                    confirmation_lifetime) VALUES ('prj_own', 600, 120, 3600, 3000)
                """)
            let applied = try await Migrator(schema: schema, migrations: all).migrate(on: pool)
            #expect(applied.map(\.version) == [3])
            let store = IdentitySettingsStore(database: pool, schema: schema, defaults: Self.configured)
            let old = try await store.settings(projectID: "prj_old")
            #expect(old.siteURL == "https://a.example.com")
            #expect(old.accessTokenLifetime == 1200 && old.magicLinkLifetime == 300)
            #expect(old.recoveryLifetime == 1800 && old.confirmationLifetime == 7200)
            let own = try await store.settings(projectID: "prj_own")
            #expect(own.accessTokenLifetime == 600 && own.magicLinkLifetime == 120)
            #expect(own.recoveryLifetime == 1800 && own.confirmationLifetime == 3000)
        } catch {
            _ = try? await pool.execute("DROP SCHEMA \(schema) CASCADE")
            await pool.close()
            throw error
        }
        _ = try? await pool.execute("DROP SCHEMA \(schema) CASCADE")
        await pool.close()
    }
}
