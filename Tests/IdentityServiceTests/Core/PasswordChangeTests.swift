import Contracts
import Foundation
import Testing
import Wire
@testable import IdentityService
@testable import ServiceKit

@Suite("Password change ends other sessions", .enabled(if: IdentityCoreHarness.isAvailable))
struct PasswordChangeTests {
    private func sid(_ session: SessionView) throws -> String {
        try IdentityCoreHarness.unverifiedClaim(session.accessToken, "sid")
    }

    private func signIn(_ h: IdentityCoreHarness, _ email: String = "ada@example.com") async throws -> SessionView {
        try await h.app.accounts.passwordGrant(
            PasswordGrantRequest(email: email, password: "correct horse"), try h.context("prj_a"))
    }

    @Test("a new password revokes the user's other sessions (refresh and denylist) and keeps the calling one")
    func revokesOthers() async throws {
        try await IdentityCoreHarness.with { h in
            let current = try #require(try await h.signup("prj_a", "ada@example.com").session)
            let second = try await signIn(h)
            let third = try await signIn(h)
            let other = try #require(try await h.signup("prj_a", "bob@example.com").session)
            let context = try h.context("prj_a", session: current)
            _ = try await h.app.accounts.updateUser(UpdateUserRequest(password: "battery staple"), context)

            let revoked = Set(try await h.app.revoker.revoked(after: 0).sessions.map(\.sessionID))
            #expect(revoked == [try sid(second), try sid(third)])
            for ended in [second, third] {
                await expectPublicError("INVALID_TOKEN") {
                    _ = try await h.app.rotation.refresh(RefreshGrantRequest(refreshToken: ended.refreshToken), try h.context("prj_a"))
                }
                await expectPublicError("INVALID_TOKEN") { _ = try await h.app.accounts.getUser(try h.context("prj_a", session: ended)) }
            }
            // The calling session and another user's go on.
            #expect(try await h.app.accounts.getUser(context).id == current.user.id)
            _ = try await h.app.rotation.refresh(RefreshGrantRequest(refreshToken: current.refreshToken), try h.context("prj_a"))
            _ = try await h.app.rotation.refresh(RefreshGrantRequest(refreshToken: other.refreshToken), try h.context("prj_a"))
            let audit = try await h.app.core.audit.list(PageQuery(), context).data
            let change = try #require(audit.first { $0.action == "password_change" })
            #expect(change.detail == "other_sessions_revoked=2")
            #expect(change.userID == current.user.id)
        }
    }

    @Test("with no other session the count is 0; a data-only update revokes nothing")
    func nothingElse() async throws {
        try await IdentityCoreHarness.with { h in
            let current = try #require(try await h.signup("prj_a", "ada@example.com").session)
            let second = try await signIn(h)
            let context = try h.context("prj_a", session: current)
            _ = try await h.app.accounts.updateUser(UpdateUserRequest(data: #"{"a":1}"#), context)
            #expect(try await h.app.revoker.revoked(after: 0).sessions.isEmpty)
            _ = try await h.app.accounts.logout(LogoutRequest(scope: "local"), try h.context("prj_a", session: second))
            _ = try await h.app.accounts.updateUser(UpdateUserRequest(password: "battery staple"), context)
            let audit = try await h.app.core.audit.list(PageQuery(), context).data
            #expect(audit.first { $0.action == "password_change" }?.detail == "other_sessions_revoked=0")
            // A refused password changes nothing and revokes nothing.
            let third = try await h.app.accounts.passwordGrant(
                PasswordGrantRequest(email: "ada@example.com", password: "battery staple"), try h.context("prj_a"))
            await expectPublicError("VALIDATION_FAILED") {
                _ = try await h.app.accounts.updateUser(UpdateUserRequest(password: "short"), context)
            }
            #expect(try await h.app.accounts.getUser(try h.context("prj_a", session: third)).id == current.user.id)
        }
    }

    @Test("a password change racing refresh-token reuse on the other sessions ends them all, without a deadlock")
    func racesReuse() async throws {
        try await IdentityCoreHarness.with(grace: 0) { h in
            let current = try #require(try await h.signup("prj_a", "ada@example.com").session)
            let context = try h.context("prj_a", session: current)
            for round in 0..<5 {
                var spent: [String] = []
                for _ in 0..<3 {
                    let session = try await signIn(h, "ada@example.com")
                    _ = try await h.app.rotation.refresh(RefreshGrantRequest(refreshToken: session.refreshToken), try h.context("prj_a"))
                    spent.append(session.refreshToken)
                }
                h.advance(1)
                let codes = try await withThrowingTaskGroup(of: String?.self) { group in
                    group.addTask {
                        _ = try await h.app.accounts.updateUser(UpdateUserRequest(password: "new password \(round)"), context)
                        return nil
                    }
                    for token in spent {
                        group.addTask {
                            do {
                                _ = try await h.app.rotation.refresh(RefreshGrantRequest(refreshToken: token), try h.context("prj_a"))
                                return "signed in"
                            } catch {
                                return PublicError.from(error)?.code.rawValue ?? "\(error)"
                            }
                        }
                    }
                    return try await group.reduce(into: [String?]()) { $0.append($1) }
                }
                #expect(codes.compactMap { $0 }.allSatisfy { $0 == "REFRESH_TOKEN_REUSED" || $0 == "INVALID_TOKEN" })
                // Password grants for the next round use the new password.
                try await h.app.core.users.setPassword(projectID: "prj_a", userID: current.user.id, password: "correct horse")
            }
            #expect(try await h.count("sessions", where: "revoked_at IS NULL") == 1)
            #expect(try await h.app.accounts.getUser(context).id == current.user.id)
        }
    }
}
