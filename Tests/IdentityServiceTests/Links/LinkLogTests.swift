import Contracts
import Foundation
import ServiceKit
import Testing
import Wire
@testable import IdentityService

@Suite("Link logs", .enabled(if: linkDatabaseAvailable))
struct LinkLogTests {
    @Test("tokens, codes and links never appear in logs, even on failures")
    func noSecretsInLogs() async throws {
        try await withLinkHarness { h in
            let project = try await h.project()
            _ = try await h.core.users.createPasswordless(projectID: project, email: "ana@example.com", confirmed: false)
            _ = try await h.flows.magicLink(EmailLinkRequest(email: "ana@example.com"), h.context(project))
            _ = try await h.flows.recover(EmailLinkRequest(email: "ana@example.com"), h.context(project))
            await h.flows.waitForPendingEmails()
            let emails = h.mailer.emails
            #expect(emails.count == 2)
            let magic = emails[0]
            let code = try #require(magic.data["code"])
            _ = await linkPublicError {
                _ = try await h.flows.verify(
                    VerifyRequest(type: "magiclink", email: "ana@example.com", code: code == "111111" ? "222222" : "111111"),
                    h.context(project))
            }
            _ = try await h.flows.verify(
                VerifyRequest(type: "magiclink", token: try LinkTestHarness.token(in: magic)), h.context(project))
            _ = await linkPublicError {
                _ = try await h.flows.verify(
                    VerifyRequest(type: "magiclink", token: try LinkTestHarness.token(in: magic)), h.context(project))
            }
            h.mailer.setFailing(true)
            _ = await linkPublicError {
                _ = try await h.flows.magicLink(EmailLinkRequest(email: "bob@example.com"), h.context(project))
            }
            let text = h.logs.lines.joined(separator: "\n")
            #expect(text.contains("link email sent"))
            #expect(text.contains("link used"))
            #expect(text.contains("link email failed"))
            for email in emails {
                for secret in [try LinkTestHarness.token(in: email), email.data["code"]!, email.data["link"]!] {
                    #expect(!text.contains(secret))
                }
            }
        }
    }
}
