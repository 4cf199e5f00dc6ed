import Contracts
import Foundation
import Testing
import Wire
@testable import IdentityService
@testable import ServiceKit

@Suite("Admin and isolation", .enabled(if: IdentityCoreHarness.isAvailable))
struct AdminTests {
    @Test("users are listed newest first with cursor pagination")
    func pagination() async throws {
        try await IdentityCoreHarness.with { h in
            var ids: [String] = []
            for index in 0..<5 {
                ids.append(try await h.signup("prj_a", "user\(index)@example.com").user.id)
                if index != 2 { h.advance(0.000_5) }  // users 2 and 3 share a timestamp: the id breaks the tie
            }
            _ = try await h.signup("prj_b", "other@example.com")
            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let page = try await h.app.admin.listUsers(PageQuery(limit: 2, cursor: cursor), try h.context("prj_a"))
                #expect(page.data.count <= 2)
                seen += page.data.map(\.id)
                cursor = page.nextCursor
                pages += 1
            } while cursor != nil && pages < 10
            #expect(pages == 3)
            let tie = ids[2...3].sorted(by: >)
            #expect(seen == [ids[4], tie[0], tie[1], ids[1], ids[0]])
            let all = try await h.app.admin.listUsers(PageQuery(limit: 500), try h.context("prj_a"))
            #expect(all.data.count == 5 && all.nextCursor == nil)
            await expectPublicError("VALIDATION_FAILED") {
                _ = try await h.app.admin.listUsers(PageQuery(cursor: "garbage!"), try h.context("prj_a"))
            }
        }
    }

    @Test("the audit log lists the project's events, newest first, with pages")
    func audit() async throws {
        try await IdentityCoreHarness.with { h in
            let session = try #require(try await h.signup("prj_a", "ada@example.com").session)
            _ = try await h.app.accounts.passwordGrant(PasswordGrantRequest(email: "ada@example.com", password: "correct horse"), try h.context("prj_a"))
            await expectPublicError("INVALID_CREDENTIALS") {
                _ = try await h.app.accounts.passwordGrant(PasswordGrantRequest(email: "ada@example.com", password: "nope nope"), try h.context("prj_a"))
            }
            _ = try await h.app.accounts.logout(LogoutRequest(), try h.context("prj_a", session: session))
            _ = try await h.signup("prj_b", "bob@example.com")
            let first = try await h.app.core.audit.list(PageQuery(limit: 3), try h.context("prj_a"))
            #expect(first.data.map(\.action) == ["logout", "login_failed", "login"])
            #expect(first.data.allSatisfy { $0.userID == session.user.id && $0.ip == "203.0.113.7" })
            let second = try await h.app.core.audit.list(PageQuery(limit: 3, cursor: first.nextCursor), try h.context("prj_a"))
            #expect(second.data.map(\.action) == ["signup"])
            #expect(second.nextCursor == nil)
            let other = try await h.app.core.audit.list(PageQuery(), try h.context("prj_b"))
            #expect(other.data.map(\.action) == ["signup"])
        }
    }

    @Test("project B cannot see, use or delete project A's users and sessions")
    func isolation() async throws {
        try await IdentityCoreHarness.with { h in
            let session = try #require(try await h.signup("prj_a", "ada@example.com").session)
            #expect(try await h.app.admin.listUsers(PageQuery(), try h.context("prj_b")).data.isEmpty)
            #expect(try await h.app.core.users.find(projectID: "prj_b", id: session.user.id) == nil)
            #expect(try await h.app.core.users.find(projectID: "prj_b", email: "ada@example.com") == nil)
            var foreign = try h.context("prj_b", session: session)
            await expectPublicError("INVALID_TOKEN") { _ = try await h.app.accounts.getUser(foreign) }
            await expectPublicError("INVALID_TOKEN") { _ = try await h.app.accounts.updateUser(UpdateUserRequest(data: "{}"), foreign) }
            _ = try await h.app.accounts.logout(LogoutRequest(scope: "global"), foreign)
            await expectPublicError("NOT_FOUND") { _ = try await h.app.admin.deleteUser(UserIDRequest(id: session.user.id), foreign) }
            await expectPublicError("INVALID_TOKEN") {
                _ = try await h.app.rotation.refresh(RefreshGrantRequest(refreshToken: session.refreshToken), foreign)
            }
            // A's session is untouched by all of that.
            #expect(try await h.app.revoker.revoked(after: 0).sessions.isEmpty)
            foreign.projectID = "prj_a"
            #expect(try await h.app.accounts.getUser(foreign).id == session.user.id)
            #expect(try await h.app.core.audit.list(PageQuery(), try h.context("prj_b")).data.map(\.action) == ["logout"])
        }
    }

    @Test("settings: defaults, partial updates, bounds")
    func settings() async throws {
        try await IdentityCoreHarness.with { h in
            #expect(try await h.app.core.settings.settings(projectID: "prj_a") == h.app.core.settings.unset)
            let updated = try await h.app.core.settings.update(projectID: "prj_a", UpdateIdentitySettingsRequest(
                siteURL: "https://app.example.com", redirectAllowList: ["https://app.example.com/auth/"], magicLinkLifetime: 600))
            #expect(updated.siteURL == "https://app.example.com")
            #expect(updated.redirectAllowList == ["https://app.example.com/auth/"])
            #expect(updated.magicLinkLifetime == 600 && updated.accessTokenLifetime == 3600)
            let again = try await h.app.core.settings.update(projectID: "prj_a", UpdateIdentitySettingsRequest(confirmEmail: true))
            #expect(again.magicLinkLifetime == 600 && again.confirmEmail)
            #expect(try await h.app.core.settings.settings(projectID: "prj_a") == again)
            #expect(try await h.app.core.settings.settings(projectID: "prj_b") == h.app.core.settings.unset)
            await expectPublicError("VALIDATION_FAILED") {
                _ = try await h.app.core.settings.update(projectID: "prj_a", UpdateIdentitySettingsRequest(redirectAllowList: ["javascript:alert(1)"]))
            }
        }
    }

    @Test("magic-link users: created once under a race, confirmed once")
    func passwordless() async throws {
        try await IdentityCoreHarness.with { h in
            let users = try await withThrowingTaskGroup(of: UserRecord.self) { group in
                for _ in 0..<4 {
                    group.addTask { try await h.app.core.users.createPasswordless(projectID: "prj_a", email: "m@example.com", confirmed: true) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(users.map(\.id)).count == 1)
            #expect(users[0].emailConfirmedAt != nil)
            let unconfirmed = try await h.app.core.users.createPasswordless(projectID: "prj_a", email: "n@example.com", confirmed: false)
            #expect(unconfirmed.emailConfirmedAt == nil)
            let at = Date(timeIntervalSince1970: 1_700_000_000)
            try await h.app.core.users.confirmEmail(projectID: "prj_a", userID: unconfirmed.id, at: at)
            try await h.app.core.users.confirmEmail(projectID: "prj_a", userID: unconfirmed.id, at: Date())
            #expect(try await h.app.core.users.find(projectID: "prj_a", id: unconfirmed.id)?.emailConfirmedAt == at)
            try await h.app.core.users.setPassword(projectID: "prj_a", userID: unconfirmed.id, password: "correct horse")
            let session = try await h.app.accounts.passwordGrant(
                PasswordGrantRequest(email: "n@example.com", password: "correct horse"), try h.context("prj_a"))
            #expect(session.user.id == unconfirmed.id)
        }
    }
}
