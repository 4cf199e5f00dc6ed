import Contracts
import Foundation
import ServiceKit
import Testing
import Wire
@testable import IdentityService

@Suite("Magic links", .enabled(if: linkDatabaseAvailable))
struct MagicLinkTests {
    @Test("the email carries a link with token and type to the site URL, a code, and the lifetime")
    func emailToSiteURL() async throws {
        try await withLinkHarness { h in
            let project = try await h.project()
            let answer = try await h.flows.magicLink(EmailLinkRequest(email: "  Ana@Example.COM "), h.context(project))
            #expect(answer == Empty())
            let email = try #require(h.mailer.onlyEmail)
            #expect(email.template == "identity.magiclink")
            #expect(email.to == "ana@example.com")
            #expect(email.data["email"] == "ana@example.com")
            #expect(email.data["expires_minutes"] == "15")
            #expect(email.idempotencyKey.hasPrefix("ott_"))
            #expect(email.projectID == project)
            let link = try #require(email.data["link"])
            #expect(link.hasPrefix(LinkTestHarness.site + "?token="))
            #expect(link.hasSuffix("&type=magiclink"))
            #expect(try LinkTestHarness.token(in: email).utf8.count == 43)
            #expect(LinkSecret.isWellFormedCode(try #require(email.data["code"])))
            #expect(Set(email.data.keys) == ["code", "email", "expires_minutes", "link"])
        }
    }

    @Test("an allowed redirect_to becomes the link's base")
    func allowedRedirect() async throws {
        try await withLinkHarness { h in
            let project = try await h.project()
            let target = "https://app.example.com/app/settings?tab=1"
            _ = try await h.flows.magicLink(EmailLinkRequest(email: "ana@example.com", redirectTo: target), h.context(project))
            let link = try #require(h.mailer.onlyEmail?.data["link"])
            #expect(link.hasPrefix(target + "&token="))
            #expect(link.hasSuffix("&type=magiclink"))
        }
    }

    @Test("open redirect attempts are refused before anything is sent")
    func openRedirects() async throws {
        try await withLinkHarness { h in
            let project = try await h.project()
            for target in [
                "https://evil.example.net/", "//evil.example.net/app/", "https://app.example.com.evil.net/app/x",
                "https://app.example.com@evil.net/app/", "https://app.example.com\\@evil.net/app/",
                "javascript:alert(1)", "https://app.example.com/welcome/../../x?", "https://app.example.com/welcomex",
                "http://app.example.com/app/x", "https://app.example.com:8443/app/x", "https:///app.example.com/app/",
            ] {
                let error = await linkPublicError {
                    _ = try await h.flows.magicLink(EmailLinkRequest(email: "ana@example.com", redirectTo: target), h.context(project))
                }
                #expect(error?.code.rawValue == "VALIDATION_FAILED", "\(target)")
                #expect(error?.field == "redirect_to", "\(target)")
            }
            #expect(h.mailer.emails.isEmpty)
        }
    }

    @Test("verify by token gives a session for a user created on first use; reuse is INVALID_TOKEN")
    func verifyByToken() async throws {
        try await withLinkHarness { h in
            let project = try await h.project()
            _ = try await h.flows.magicLink(EmailLinkRequest(email: "new@example.com"), h.context(project))
            #expect(try await h.userCount(project, email: "new@example.com") == 0)
            let token = try LinkTestHarness.token(in: try #require(h.mailer.onlyEmail))
            let session = try await h.flows.verify(VerifyRequest(type: "magiclink", token: token), h.context(project))
            #expect(session.user.email == "new@example.com")
            #expect(session.user.emailConfirmedAt != nil)
            #expect(!session.accessToken.isEmpty && !session.refreshToken.isEmpty)
            #expect(try await h.userCount(project, email: "new@example.com") == 1)
            let reuse = await linkPublicError {
                _ = try await h.flows.verify(VerifyRequest(type: "magiclink", token: token), h.context(project))
            }
            #expect(reuse?.code.rawValue == "INVALID_TOKEN")
            #expect(reuse?.code.wireCode == .unauthenticated)
        }
    }

    @Test("an expired token, an unknown token and a token of another type are INVALID_TOKEN")
    func expiredAndUnknown() async throws {
        try await withLinkHarness { h in
            let project = try await h.project()
            _ = try await h.flows.magicLink(EmailLinkRequest(email: "ana@example.com"), h.context(project))
            let token = try LinkTestHarness.token(in: try #require(h.mailer.onlyEmail))
            let wrongType = await linkPublicError {
                _ = try await h.flows.verify(VerifyRequest(type: "recovery", token: token), h.context(project))
            }
            #expect(wrongType?.code.rawValue == "INVALID_TOKEN")
            try await h.pool.execute(
                "UPDATE \(h.schema).one_time_tokens SET expires_at = now() - interval '1 second'")
            for candidate in [token, Base64URL.encode(SecureRandom.bytes(32)), "short"] {
                let error = await linkPublicError {
                    _ = try await h.flows.verify(VerifyRequest(type: "magiclink", token: candidate), h.context(project))
                }
                #expect(error?.code.rawValue == "INVALID_TOKEN")
            }
        }
    }

    @Test("ten concurrent verifies of one token: exactly one session")
    func concurrentVerifies() async throws {
        try await withLinkHarness { h in
            let project = try await h.project()
            _ = try await h.flows.magicLink(EmailLinkRequest(email: "ana@example.com"), h.context(project))
            let token = try LinkTestHarness.token(in: try #require(h.mailer.onlyEmail))
            let outcomes = await withTaskGroup(of: String.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        do {
                            _ = try await h.flows.verify(VerifyRequest(type: "magiclink", token: token), h.context(project))
                            return "session"
                        } catch let error as PublicError {
                            return error.code.rawValue
                        } catch {
                            return "other"
                        }
                    }
                }
                return await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == "session" }.count == 1)
            #expect(outcomes.filter { $0 == "INVALID_TOKEN" }.count == 9)
        }
    }

    @Test("the user is created once when two links are used at the same time")
    func createdOnceUnderConcurrency() async throws {
        var config = IdentityLinkConfig()
        config.emailsPerMinute = 0
        try await withLinkHarness(config) { h in
            let project = try await h.project()
            for _ in 0..<4 {
                _ = try await h.flows.magicLink(EmailLinkRequest(email: "race@example.com"), h.context(project))
            }
            let tokens = try h.mailer.emails.map(LinkTestHarness.token(in:))
            #expect(tokens.count == 4)
            let users = try await withThrowingTaskGroup(of: String.self) { group in
                for token in tokens {
                    group.addTask {
                        try await h.flows.verify(VerifyRequest(type: "magiclink", token: token), h.context(project)).user.id
                    }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(users.count == 1)
            #expect(try await h.userCount(project, email: "race@example.com") == 1)
        }
    }

    @Test("a token of project A does not verify in project B")
    func projectIsolation() async throws {
        try await withLinkHarness { h in
            let projectA = try await h.project()
            let projectB = try await h.project()
            _ = try await h.flows.magicLink(EmailLinkRequest(email: "ana@example.com"), h.context(projectA))
            let email = try #require(h.mailer.onlyEmail)
            let token = try LinkTestHarness.token(in: email)
            let code = try #require(email.data["code"])
            let byToken = await linkPublicError {
                _ = try await h.flows.verify(VerifyRequest(type: "magiclink", token: token), h.context(projectB))
            }
            let byCode = await linkPublicError {
                _ = try await h.flows.verify(
                    VerifyRequest(type: "magiclink", email: "ana@example.com", code: code), h.context(projectB))
            }
            #expect(byToken?.code.rawValue == "INVALID_TOKEN")
            #expect(byCode?.code.rawValue == "INVALID_TOKEN")
            let session = try await h.flows.verify(VerifyRequest(type: "magiclink", token: token), h.context(projectA))
            #expect(session.user.email == "ana@example.com")
            #expect(try await h.userCount(projectB, email: "ana@example.com") == 0)
        }
    }

    @Test("a failed send is not counted and is reported as unavailable")
    func failedSendNotCounted() async throws {
        try await withLinkHarness { h in
            let project = try await h.project()
            h.mailer.setFailing(true)
            let error = await linkWireError {
                _ = try await h.flows.magicLink(EmailLinkRequest(email: "ana@example.com"), h.context(project))
            }
            #expect(error?.code == .unavailable)
            h.mailer.setFailing(false)
            _ = try await h.flows.magicLink(EmailLinkRequest(email: "ana@example.com"), h.context(project))
            #expect(h.mailer.emails.count == 1)
        }
    }

    @Test("requests without a project or with a bad email are refused")
    func badRequests() async throws {
        try await withLinkHarness { h in
            let project = try await h.project()
            let noProject = await linkWireError {
                _ = try await h.flows.magicLink(EmailLinkRequest(email: "ana@example.com"), CallContext(requestID: "r"))
            }
            #expect(noProject?.code == .invalidArgument)
            let badEmail = await linkPublicError {
                _ = try await h.flows.magicLink(EmailLinkRequest(email: "not an email"), h.context(project))
            }
            #expect(badEmail?.field == "email")
            let badType = await linkPublicError {
                _ = try await h.flows.verify(VerifyRequest(type: "login", token: "x"), h.context(project))
            }
            #expect(badType?.field == "type")
            let nothing = await linkPublicError {
                _ = try await h.flows.verify(VerifyRequest(type: "magiclink"), h.context(project))
            }
            #expect(nothing?.code.rawValue == "VALIDATION_FAILED")
            #expect(h.mailer.emails.isEmpty)
        }
    }

    @Test("a project with no site URL and no redirect_to gets 202 and an email with the code alone, which signs in")
    func codeOnlyWithoutSite() async throws {
        try await withLinkHarness { h in
            let project = try await h.project(siteURL: nil)
            let answer = try await h.flows.magicLink(EmailLinkRequest(email: "ana@example.com"), h.context(project))
            #expect(answer == Empty())
            let email = try #require(h.mailer.onlyEmail)
            #expect(email.template == "identity.magiclink.code")
            #expect(email.data["link"] == nil)
            #expect(Set(email.data.keys) == ["code", "email", "expires_minutes"])
            let code = try #require(email.data["code"])
            #expect(LinkSecret.isWellFormedCode(code))
            let session = try await h.flows.verify(
                VerifyRequest(type: "magiclink", email: "ana@example.com", code: code), h.context(project))
            #expect(session.user.email == "ana@example.com")
        }
    }

    @Test("without a site URL, an allowed redirect_to still gives a link; a bad one is still VALIDATION_FAILED")
    func redirectWithoutSite() async throws {
        try await withLinkHarness { h in
            let project = try await h.project(siteURL: nil)
            let bad = await linkPublicError {
                _ = try await h.flows.magicLink(
                    EmailLinkRequest(email: "ana@example.com", redirectTo: "https://evil.example.net/"), h.context(project))
            }
            #expect(bad?.code.rawValue == "VALIDATION_FAILED")
            #expect(bad?.field == "redirect_to")
            #expect(h.mailer.emails.isEmpty)
            _ = try await h.flows.magicLink(
                EmailLinkRequest(email: "ana@example.com", redirectTo: "https://app.example.com/welcome"), h.context(project))
            let email = try #require(h.mailer.onlyEmail)
            #expect(email.template == "identity.magiclink")
            #expect(email.data["link"]?.hasPrefix("https://app.example.com/welcome?token=") == true)
            #expect(email.data["code"] != nil)
        }
    }
}
