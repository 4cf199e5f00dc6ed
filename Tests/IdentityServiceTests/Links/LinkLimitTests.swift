import Contracts
import Foundation
import ServiceKit
import Testing
import Wire
@testable import IdentityService

@Suite("Link limits", .enabled(if: linkDatabaseAvailable))
struct LinkLimitTests {
    @Test("a second email within 60 s is RATE_LIMITED email_per_minute, per flow")
    func perMinute() async throws {
        try await withLinkHarness { h in
            let project = try await h.project()
            _ = try await h.flows.magicLink(EmailLinkRequest(email: "ana@example.com"), h.context(project))
            let error = await linkPublicError {
                _ = try await h.flows.magicLink(EmailLinkRequest(email: "ANA@example.com"), h.context(project))
            }
            #expect(error?.code.wireCode == .resourceExhausted)
            #expect(error?.code.rawValue == "RATE_LIMITED")
            #expect(error?.limit == "email_per_minute")
            let retry = try #require(error?.retryAfter)
            #expect((1...60).contains(retry))
            // Another flow, another email, another project: each counted on its own.
            _ = try await h.core.users.createPasswordless(projectID: project, email: "ana@example.com", confirmed: true)
            _ = try await h.flows.recover(EmailLinkRequest(email: "ana@example.com"), h.context(project))
            _ = try await h.flows.magicLink(EmailLinkRequest(email: "bob@example.com"), h.context(project))
            _ = try await h.flows.magicLink(EmailLinkRequest(email: "ana@example.com"), h.context(try await h.project()))
            await h.flows.waitForPendingEmails()
            #expect(h.mailer.emails.count == 4)
        }
    }

    @Test("the sixth email in an hour is RATE_LIMITED email_per_hour")
    func perHour() async throws {
        var config = IdentityLinkConfig()
        config.emailsPerMinute = 0
        try await withLinkHarness(config) { h in
            let project = try await h.project()
            for _ in 0..<5 {
                _ = try await h.flows.magicLink(EmailLinkRequest(email: "ana@example.com"), h.context(project))
            }
            let error = await linkPublicError {
                _ = try await h.flows.magicLink(EmailLinkRequest(email: "ana@example.com"), h.context(project))
            }
            #expect(error?.code.rawValue == "RATE_LIMITED")
            #expect(error?.limit == "email_per_hour")
            let retry = try #require(error?.retryAfter)
            #expect((3500...3600).contains(retry))
            #expect(h.mailer.emails.count == 5)
            // Sends older than an hour no longer count.
            try await h.pool.execute("UPDATE \(h.schema).email_sends SET at = at - interval '61 minutes'")
            _ = try await h.flows.magicLink(EmailLinkRequest(email: "ana@example.com"), h.context(project))
            #expect(h.mailer.emails.count == 6)
        }
    }

    @Test("a client address is limited per hour across emails, with its own name")
    func perAddress() async throws {
        var config = IdentityLinkConfig()
        config.addressRequestsPerHour = 3
        try await withLinkHarness(config) { h in
            let project = try await h.project()
            for index in 0..<3 {
                _ = try await h.flows.magicLink(EmailLinkRequest(email: "u\(index)@example.com"), h.context(project))
            }
            let error = await linkPublicError {
                _ = try await h.flows.recover(EmailLinkRequest(email: "u9@example.com"), h.context(project))
            }
            #expect(error?.code.rawValue == "RATE_LIMITED")
            #expect(error?.limit == "address")
            _ = try await h.flows.magicLink(
                EmailLinkRequest(email: "u9@example.com"), h.context(project, address: "198.51.100.1"))
            #expect(h.mailer.emails.count == 4)
        }
    }

    @Test("known and unknown emails get identical answers, limits included")
    func knownUnknownIdentical() async throws {
        try await withLinkHarness { h in
            let project = try await h.project()
            _ = try await h.core.users.createPasswordless(projectID: project, email: "known@example.com", confirmed: true)
            var answers: [String] = []
            for email in ["known@example.com", "unknown@example.com"] {
                let first = try await h.flows.magicLink(EmailLinkRequest(email: email), h.context(project))
                let second = await linkPublicError {
                    _ = try await h.flows.magicLink(EmailLinkRequest(email: email), h.context(project))
                }
                let shape = second.map { "\($0.code) \($0.message) \($0.context.map(\.name)) \($0.limit ?? "")" }
                answers.append("\(first) \(shape ?? "none")")
            }
            #expect(answers[0] == answers[1])
        }
    }
}
