import Contracts
import Foundation
import Testing
import Wire
@testable import IdentityService
@testable import ServiceKit

@Suite("Logout and user deletion", .enabled(if: IdentityCoreHarness.isAvailable))
struct SessionEndTests {
    private func signIn(_ h: IdentityCoreHarness, project: String = "prj_a") async throws -> SessionView {
        try await h.app.accounts.passwordGrant(
            PasswordGrantRequest(email: "ada@example.com", password: "correct horse"), try h.context(project))
    }

    private func refresh(_ h: IdentityCoreHarness, _ session: SessionView) async throws -> SessionView {
        try await h.app.rotation.refresh(RefreshGrantRequest(refreshToken: session.refreshToken), try h.context("prj_a"))
    }

    private func sid(_ session: SessionView) throws -> String {
        try IdentityCoreHarness.unverifiedClaim(session.accessToken, "sid")
    }

    @Test("local logout ends this session only")
    func local() async throws {
        try await IdentityCoreHarness.with { h in
            let first = try #require(try await h.signup("prj_a", "ada@example.com").session)
            let second = try await signIn(h)
            _ = try await h.app.accounts.logout(LogoutRequest(scope: "local"), try h.context("prj_a", session: first))
            await expectPublicError("INVALID_TOKEN") { _ = try await refresh(h, first) }
            await expectPublicError("INVALID_TOKEN") { _ = try await h.app.accounts.getUser(try h.context("prj_a", session: first)) }
            #expect(try await h.app.accounts.getUser(try h.context("prj_a", session: second)).email == "ada@example.com")
            _ = try await refresh(h, second)
            #expect(try await h.app.revoker.revoked(after: 0).sessions.map(\.sessionID) == [try sid(first)])
            await expectPublicError("VALIDATION_FAILED") {
                _ = try await h.app.accounts.logout(LogoutRequest(scope: "everywhere"), try h.context("prj_a", session: second))
            }
            await expectPublicError("INVALID_TOKEN") { _ = try await h.app.accounts.logout(LogoutRequest(), try h.context("prj_a")) }
        }
    }

    @Test("global logout ends every session of the user, not other users'")
    func global() async throws {
        try await IdentityCoreHarness.with { h in
            let first = try #require(try await h.signup("prj_a", "ada@example.com").session)
            let second = try await signIn(h)
            let other = try #require(try await h.signup("prj_a", "bob@example.com").session)
            _ = try await h.app.accounts.logout(LogoutRequest(scope: "global"), try h.context("prj_a", session: second))
            await expectPublicError("INVALID_TOKEN") { _ = try await refresh(h, first) }
            await expectPublicError("INVALID_TOKEN") { _ = try await refresh(h, second) }
            _ = try await refresh(h, other)
            let revoked = Set(try await h.app.revoker.revoked(after: 0).sessions.map(\.sessionID))
            #expect(revoked == [try sid(first), try sid(second)])
            let audit = try await h.app.core.audit.list(PageQuery(), try h.context("prj_a")).data
            #expect(audit.first?.action == "logout")
            #expect(audit.first?.detail == "global, 2 session(s)")
        }
    }

    @Test("deleting a user ends their sessions; another project cannot delete or see them")
    func delete() async throws {
        try await IdentityCoreHarness.with { h in
            let first = try #require(try await h.signup("prj_a", "ada@example.com").session)
            let second = try await signIn(h)
            let userID = first.user.id
            await expectPublicError("NOT_FOUND") { _ = try await h.app.admin.deleteUser(UserIDRequest(id: userID), try h.context("prj_b")) }
            #expect(try await h.app.revoker.revoked(after: 0).sessions.isEmpty)
            _ = try await h.app.admin.deleteUser(UserIDRequest(id: userID), try h.context("prj_a"))
            await expectPublicError("INVALID_TOKEN") { _ = try await refresh(h, second) }
            await expectPublicError("INVALID_TOKEN") { _ = try await h.app.accounts.getUser(try h.context("prj_a", session: first)) }
            let revoked = Set(try await h.app.revoker.revoked(after: 0).sessions.map(\.sessionID))
            #expect(revoked == [try sid(first), try sid(second)])
            #expect(try await h.count("sessions") == 0)
            await expectPublicError("NOT_FOUND") { _ = try await h.app.admin.deleteUser(UserIDRequest(id: userID), try h.context("prj_a")) }
            let audit = try await h.app.core.audit.list(PageQuery(), try h.context("prj_a")).data
            #expect(audit.first?.action == "user_deleted")
            #expect(audit.first?.userID == userID)
            // The email is free again.
            _ = try await h.signup("prj_a", "ada@example.com")
        }
    }
}
