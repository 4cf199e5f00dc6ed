import Contracts
import Foundation
import ServiceKit
import Testing
import Wire
@testable import IdentityService

@Suite("Recovery and signup confirmation", .enabled(if: linkDatabaseAvailable))
struct RecoveryAndSignupTests {
    @Test("recovery emails a known user a link that signs in; an unknown email gets the same answer and no email")
    func recovery() async throws {
        try await withLinkHarness { h in
            let project = try await h.project()
            let user = try await h.core.users.createPasswordless(projectID: project, email: "ana@example.com", confirmed: false)
            let known = try await h.flows.recover(EmailLinkRequest(email: "ana@example.com"), h.context(project))
            let unknown = try await h.flows.recover(EmailLinkRequest(email: "nobody@example.com"), h.context(project))
            #expect(known == unknown)
            await h.flows.waitForPendingEmails()
            let email = try #require(h.mailer.onlyEmail)
            #expect(email.template == "identity.recovery")
            #expect(email.to == "ana@example.com")
            #expect(email.data["expires_minutes"] == "60")
            #expect(email.data["link"]?.hasSuffix("&type=recovery") == true)
            let session = try await h.flows.verify(
                VerifyRequest(type: "recovery", token: try LinkTestHarness.token(in: email)), h.context(project))
            #expect(session.user.id == user.id)
            #expect(session.user.emailConfirmedAt != nil)
            #expect(try await h.userCount(project, email: "nobody@example.com") == 0)
            // The unknown email's row is dead on arrival: its code can never work.
            let code = await linkPublicError {
                _ = try await h.flows.verify(
                    VerifyRequest(type: "recovery", email: "nobody@example.com", code: "123456"), h.context(project))
            }
            #expect(code?.code.rawValue == "INVALID_TOKEN")
        }
    }

    @Test("recovery limits look the same for known and unknown emails")
    func recoveryLimitsIdentical() async throws {
        try await withLinkHarness { h in
            let project = try await h.project()
            _ = try await h.core.users.createPasswordless(projectID: project, email: "ana@example.com", confirmed: true)
            var refusals: [PublicError] = []
            for address in ["ana@example.com", "nobody@example.com"] {
                _ = try await h.flows.recover(EmailLinkRequest(email: address), h.context(project))
                let error = await linkPublicError {
                    _ = try await h.flows.recover(EmailLinkRequest(email: address), h.context(project))
                }
                refusals.append(try #require(error))
                #expect(error?.message == "Too many requests; try again later.")
            }
            #expect(refusals[0].limit == "email_per_minute")
            #expect(refusals[0].code == refusals[1].code)
            #expect(refusals[0].limit == refusals[1].limit)
            await h.flows.waitForPendingEmails()
            #expect(h.mailer.emails.count == 1)
        }
    }

    @Test("signup confirmation emails the site link; verifying confirms the email and signs in")
    func signupConfirmation() async throws {
        try await withLinkHarness { h in
            let project = try await h.project()
            let user = try await h.core.users.createPasswordless(projectID: project, email: "ana@example.com", confirmed: false)
            #expect(user.emailConfirmedAt == nil)
            try await h.flows.sendSignupConfirmation(user: user, context: h.context(project))
            let email = try #require(h.mailer.onlyEmail)
            #expect(email.template == "identity.confirmation")
            #expect(email.data["expires_minutes"] == "1440")
            #expect(LinkSecret.isWellFormedCode(try #require(email.data["code"])))
            let link = try #require(email.data["link"])
            #expect(link.hasPrefix(LinkTestHarness.site + "?token=") && link.hasSuffix("&type=signup"))
            let token = try LinkTestHarness.token(in: email)
            let asMagicLink = await linkPublicError {
                _ = try await h.flows.verify(VerifyRequest(type: "magiclink", token: token), h.context(project))
            }
            #expect(asMagicLink?.code.rawValue == "INVALID_TOKEN")
            let session = try await h.flows.verify(VerifyRequest(type: "signup", token: token), h.context(project))
            #expect(session.user.id == user.id)
            #expect(session.user.emailConfirmedAt != nil)
            let stored = try await h.core.users.find(projectID: project, id: user.id)
            #expect(stored?.emailConfirmedAt != nil)
            let audit = try await h.pool.query(
                "SELECT action FROM \(h.schema).audit_events WHERE project_id = $1 ORDER BY seq", [project])
            #expect(try audit.map { try $0.decode(String.self, at: 0) } == ["confirmation_sent", "email_confirmed"])
        }
    }

    @Test("a project without a site URL: the confirmation and the recovery email carry the code alone, which signs in",
          arguments: [LinkType.signup, .recovery])
    func codeOnlyWithoutSite(type: LinkType) async throws {
        try await withLinkHarness { h in
            let project = try await h.project(siteURL: nil)
            let user = try await h.core.users.createPasswordless(projectID: project, email: "ana@example.com", confirmed: false)
            if type == .signup {
                try await h.flows.sendSignupConfirmation(user: user, context: h.context(project))
            } else {
                #expect(try await h.flows.recover(EmailLinkRequest(email: "ana@example.com"), h.context(project)) == Empty())
                await h.flows.waitForPendingEmails()
            }
            let email = try #require(h.mailer.onlyEmail)
            #expect(email.template == (type == .signup ? "identity.confirmation.code" : "identity.recovery.code"))
            #expect(email.data["link"] == nil)
            let session = try await h.flows.verify(
                VerifyRequest(type: type.rawValue, email: "ana@example.com", code: email.data["code"]), h.context(project))
            #expect(session.user.id == user.id)
        }
    }

    @Test("a signup token whose user was deleted is INVALID_TOKEN")
    func deletedUser() async throws {
        try await withLinkHarness { h in
            let project = try await h.project()
            let user = try await h.core.users.createPasswordless(projectID: project, email: "ana@example.com", confirmed: false)
            try await h.flows.sendSignupConfirmation(user: user, context: h.context(project))
            try await h.pool.execute("DELETE FROM \(h.schema).users WHERE id = $1", [user.id])
            let error = await linkPublicError {
                _ = try await h.flows.verify(
                    VerifyRequest(type: "signup", token: try LinkTestHarness.token(in: try #require(h.mailer.onlyEmail))),
                    h.context(project))
            }
            #expect(error?.code.rawValue == "INVALID_TOKEN")
        }
    }

    @Test("magic link use is audited; the project's lifetime setting applies")
    func auditAndLifetime() async throws {
        try await withLinkHarness { h in
            let project = try await h.project()
            _ = try await h.core.settings.update(projectID: project, UpdateIdentitySettingsRequest(magicLinkLifetime: 120))
            _ = try await h.flows.magicLink(EmailLinkRequest(email: "ana@example.com"), h.context(project))
            let email = try #require(h.mailer.onlyEmail)
            #expect(email.data["expires_minutes"] == "2")
            let seconds = try await h.pool.query(
                "SELECT extract(epoch FROM expires_at - created_at)::bigint FROM \(h.schema).one_time_tokens"
            ).first!.decode(Int.self, at: 0)
            #expect(seconds == 120)
            _ = try await h.flows.verify(
                VerifyRequest(type: "magiclink", token: try LinkTestHarness.token(in: email)), h.context(project))
            let audit = try await h.pool.query(
                "SELECT action, ip FROM \(h.schema).audit_events WHERE project_id = $1 ORDER BY seq", [project])
            let rows = try audit.map { try $0.decode((String, String?).self) }
            #expect(rows.map(\.0) == ["magiclink_sent", "magiclink_used"])
            #expect(rows.allSatisfy { $0.1 == "203.0.113.7" })
        }
    }
}

@Suite("Link lifetimes", .enabled(if: linkDatabaseAvailable))
struct LinkLifetimeTests {
    @Test("a project without its own lifetime gets the environment's")
    func environmentDefault() async throws {
        var config = IdentityLinkConfig()
        config.magicLinkLifetime = 300
        config.recoveryLifetime = 600
        try await withLinkHarness(config) { h in
            let project = try await h.project()
            _ = try await h.flows.magicLink(EmailLinkRequest(email: "ana@example.com"), h.context(project))
            #expect(h.mailer.onlyEmail?.data["expires_minutes"] == "5")
            let settings = try await h.core.settings.settings(projectID: project)
            #expect(settings.magicLinkLifetime == 300 && settings.recoveryLifetime == 600)
            #expect(settings.confirmationLifetime == 86400)
        }
    }

    @Test("a project that sets exactly the built-in default keeps it, whatever the environment says")
    func explicitBuiltIn() async throws {
        var config = IdentityLinkConfig()
        config.magicLinkLifetime = 300
        try await withLinkHarness(config) { h in
            let project = try await h.project()
            _ = try await h.core.settings.update(projectID: project, UpdateIdentitySettingsRequest(magicLinkLifetime: 900))
            _ = try await h.flows.magicLink(EmailLinkRequest(email: "ana@example.com"), h.context(project))
            #expect(h.mailer.onlyEmail?.data["expires_minutes"] == "15")
        }
    }
}
