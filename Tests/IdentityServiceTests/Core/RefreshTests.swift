import Contracts
import Foundation
import Testing
import Wire
@testable import IdentityService
@testable import ServiceKit

@Suite("Refresh tokens", .enabled(if: IdentityCoreHarness.isAvailable))
struct RefreshTests {
    private func refresh(_ h: IdentityCoreHarness, _ token: String, project: String = "prj_a") async throws -> SessionView {
        try await h.app.rotation.refresh(RefreshGrantRequest(refreshToken: token), try h.context(project))
    }

    @Test("each refresh spends the token and issues the next one in the same session")
    func rotation() async throws {
        try await IdentityCoreHarness.with(grace: 10) { h in
            let first = try #require(try await h.signup("prj_a", "ada@example.com").session)
            let sid = try IdentityCoreHarness.unverifiedClaim(first.accessToken, "sid")
            let second = try await refresh(h, first.refreshToken)
            #expect(second.refreshToken != first.refreshToken)
            #expect(try IdentityCoreHarness.unverifiedClaim(second.accessToken, "sid") == sid)
            #expect(second.user.id == first.user.id)
            h.advance(1)
            let third = try await refresh(h, second.refreshToken)
            #expect(third.refreshToken != second.refreshToken)
            #expect(try await h.count("refresh_tokens", where: "session_id = $1 AND spent_at IS NULL", [sid]) == 1)
            #expect(try await h.count("sessions") == 1)
        }
    }

    @Test("unknown, malformed, expired and other projects' refresh tokens are INVALID_TOKEN")
    func invalid() async throws {
        try await IdentityCoreHarness.with { h in
            let session = try #require(try await h.signup("prj_a", "ada@example.com").session)
            await expectPublicError("INVALID_TOKEN") { _ = try await refresh(h, "nope") }
            await expectPublicError("INVALID_TOKEN") { _ = try await refresh(h, RefreshToken.generate().text) }
            await expectPublicError("INVALID_TOKEN") { _ = try await refresh(h, session.refreshToken, project: "prj_b") }
            h.advance(31 * 86400)
            await expectPublicError("INVALID_TOKEN") { _ = try await refresh(h, session.refreshToken) }
        }
    }

    @Test("5 racing refreshes with one token all get the same successor; one live token remains")
    func racing() async throws {
        try await IdentityCoreHarness.with(grace: 10) { h in
            let session = try #require(try await h.signup("prj_a", "ada@example.com").session)
            let sid = try IdentityCoreHarness.unverifiedClaim(session.accessToken, "sid")
            let answers = try await withThrowingTaskGroup(of: SessionView.self) { group in
                for _ in 0..<5 { group.addTask { try await refresh(h, session.refreshToken) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.count == 5)
            #expect(Set(answers.map(\.refreshToken)).count == 1)
            #expect(answers[0].refreshToken != session.refreshToken)
            #expect(try await h.count("refresh_tokens", where: "session_id = $1 AND spent_at IS NULL", [sid]) == 1)
            // A retry within the window, later, still gets the same successor; the successor itself works.
            h.advance(9)
            #expect(try await refresh(h, session.refreshToken).refreshToken == answers[0].refreshToken)
            let next = try await refresh(h, answers[0].refreshToken)
            #expect(next.refreshToken != answers[0].refreshToken)
            #expect(try await h.count("refresh_tokens", where: "session_id = $1 AND spent_at IS NULL", [sid]) == 1)
            // The plain successor token is never stored, only sealed.
            let sealed = try await h.pool.query(
                "SELECT successor_sealed FROM \(h.schema).refresh_tokens WHERE successor_sealed IS NOT NULL")
            for row in sealed {
                let bytes = try row.decode([UInt8].self, at: 0)
                #expect(!String(decoding: bytes, as: UTF8.self).contains(answers[0].refreshToken))
            }
        }
    }

    @Test("reuse after the window: REFRESH_TOKEN_REUSED, the session is revoked and reaches the revocation feed")
    func reuse() async throws {
        try await IdentityCoreHarness.with(grace: 10) { h in
            let session = try #require(try await h.signup("prj_a", "ada@example.com").session)
            let sid = try IdentityCoreHarness.unverifiedClaim(session.accessToken, "sid")
            let before = try await h.app.revoker.revoked(after: 0)
            #expect(before.sessions.isEmpty)
            let successor = try await refresh(h, session.refreshToken)
            h.advance(11)
            await expectPublicError("REFRESH_TOKEN_REUSED") { _ = try await refresh(h, session.refreshToken) }
            // The whole session is gone: its live successor too, and the user endpoint refuses its tokens.
            await expectPublicError("INVALID_TOKEN") { _ = try await refresh(h, successor.refreshToken) }
            await expectPublicError("INVALID_TOKEN") { _ = try await h.app.accounts.getUser(try h.context("prj_a", session: successor)) }
            let feed = try await h.app.revoker.revoked(after: before.cursor)
            #expect(feed.sessions.map(\.sessionID) == [sid])
            #expect(feed.cursor > before.cursor)
            // The entry lasts until the last access token of the session has expired.
            let expiry = Date(timeIntervalSince1970: TimeInterval(try await h.decode(successor.accessToken).exp))
            #expect(abs(feed.sessions[0].until.timeIntervalSince(expiry)) < 1)
            #expect(try await h.app.revoker.revoked(after: feed.cursor).sessions.isEmpty)
            let audit = try await h.app.core.audit.list(PageQuery(), try h.context("prj_a")).data
            #expect(audit.first?.action == "refresh_reuse")
        }
    }

    @Test("housekeeping clears sealed successors after the window, and reuse is then refused")
    func housekeeping() async throws {
        try await IdentityCoreHarness.with(grace: 10) { h in
            let session = try #require(try await h.signup("prj_a", "ada@example.com").session)
            _ = try await refresh(h, session.refreshToken)
            #expect(try await h.count("refresh_tokens", where: "successor_sealed IS NOT NULL") == 1)
            h.advance(5)
            await h.app.housekeeping().runOnce()
            #expect(try await h.count("refresh_tokens", where: "successor_sealed IS NOT NULL") == 1)
            h.advance(6)
            await h.app.housekeeping().runOnce()
            #expect(try await h.count("refresh_tokens", where: "successor_sealed IS NOT NULL") == 0)
            await expectPublicError("REFRESH_TOKEN_REUSED") { _ = try await refresh(h, session.refreshToken) }
            // Revocations end when the session's access tokens have expired.
            #expect(try await h.app.revoker.revoked(after: 0).sessions.count == 1)
            h.advance(3601)
            #expect(try await h.app.revoker.revoked(after: 0).sessions.isEmpty)
            await h.app.housekeeping().runOnce()
            #expect(try await h.count("revocations") == 0)
        }
    }
}
