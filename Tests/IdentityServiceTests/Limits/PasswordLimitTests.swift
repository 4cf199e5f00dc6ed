import Contracts
import Foundation
import Testing
import Wire
@testable import IdentityService
@testable import ServiceKit

@Suite("Password grant limits", .enabled(if: IdentityCoreHarness.isAvailable))
struct PasswordLimitTests {
    private func grant(
        _ h: IdentityCoreHarness, _ email: String, _ password: String, address: String? = "203.0.113.7"
    ) async throws -> SessionView {
        try await h.app.accounts.passwordGrant(
            PasswordGrantRequest(email: email, password: password), try h.context("prj_a", address: address))
    }

    /// The answer without its `retry_after`, to compare refusals.
    private func shape(_ error: PublicError?) -> String {
        var shape = error
        shape?.retryAfter = nil
        return String(describing: shape.map { ($0.code, $0.message, $0.context.map(\.name), $0.limit) })
    }

    @Test("failures per email: refused before the KDF, the same for known and unknown emails, audited")
    func perEmail() async throws {
        let limits = PasswordLimitConfig(failuresPerEmail: 3, failureWindow: 900, perAddressPerHour: 0)
        try await IdentityCoreHarness.with(passwordLimits: limits) { h in
            _ = try await h.signup("prj_a", "ada@example.com")
            var refusals: [PublicError?] = []
            for email in ["ada@example.com", "nobody@example.com"] {
                for _ in 0..<3 {
                    await expectPublicError("INVALID_CREDENTIALS") { _ = try await grant(h, email, "wrong horse") }
                }
                let before = h.app.passwords.derivationCount
                // The right password too: the email is locked until the window moves on.
                let refusal = await expectPublicError("RATE_LIMITED") { _ = try await grant(h, email, "correct horse") }
                #expect(h.app.passwords.derivationCount == before)
                #expect(refusal?.code.wireCode == .resourceExhausted)
                #expect(refusal?.limit == "password_per_email")
                #expect((1...900).contains(refusal?.retryAfter ?? 0))
                refusals.append(refusal)
            }
            #expect(shape(refusals[0]) == shape(refusals[1]))
            // Email case and spacing do not dodge it; another email is not affected.
            await expectPublicError("RATE_LIMITED") { _ = try await grant(h, " ADA@example.com", "correct horse") }
            _ = try await h.signup("prj_a", "bob@example.com")
            _ = try await grant(h, "bob@example.com", "correct horse")
            let audit = try await h.app.core.audit.list(PageQuery(limit: 100), try h.context("prj_a")).data
            let limited = audit.filter { $0.action == "login_rate_limited" }
            #expect(limited.count == 3)
            #expect(limited.allSatisfy { $0.detail == "password_per_email" && $0.userID == nil && $0.ip == "203.0.113.7" })
            // Once the failures are older than the window, the right password works again.
            try await h.pool.execute("UPDATE \(h.schema).link_address_hits SET at = at - interval '901 seconds'")
            _ = try await grant(h, "ada@example.com", "correct horse")
        }
    }

    @Test("successful grants do not count against the email; failures of another project do not either")
    func successesFree() async throws {
        let limits = PasswordLimitConfig(failuresPerEmail: 2, failureWindow: 900, perAddressPerHour: 0)
        try await IdentityCoreHarness.with(passwordLimits: limits) { h in
            _ = try await h.signup("prj_a", "ada@example.com")
            for _ in 0..<5 { _ = try await grant(h, "ada@example.com", "correct horse") }
            await expectPublicError("INVALID_CREDENTIALS") { _ = try await grant(h, "ada@example.com", "wrong horse") }
            for _ in 0..<2 {
                await expectPublicError("INVALID_CREDENTIALS") {
                    _ = try await h.app.accounts.passwordGrant(
                        PasswordGrantRequest(email: "ada@example.com", password: "wrong horse"), try h.context("prj_b"))
                }
            }
            _ = try await grant(h, "ada@example.com", "correct horse")
            #expect(try await h.count("link_address_hits", where: "project_id = 'prj_a' AND scope = 'password_email'") == 1)
        }
    }

    @Test("concurrent wrong guesses cannot exceed the limit")
    func concurrent() async throws {
        let limits = PasswordLimitConfig(failuresPerEmail: 3, failureWindow: 900, perAddressPerHour: 0)
        try await IdentityCoreHarness.with(passwordLimits: limits) { h in
            _ = try await h.signup("prj_a", "ada@example.com")
            let codes = await withTaskGroup(of: String?.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        do {
                            _ = try await grant(h, "ada@example.com", "wrong horse")
                            return nil
                        } catch {
                            return PublicError.from(error)?.code.rawValue
                        }
                    }
                }
                return await group.reduce(into: [String?]()) { $0.append($1) }
            }
            #expect(codes.filter { $0 == "INVALID_CREDENTIALS" }.count == 3)
            #expect(codes.filter { $0 == "RATE_LIMITED" }.count == 5)
        }
    }

    @Test("requests per client address: every grant counts, whatever the email and outcome")
    func perAddress() async throws {
        let limits = PasswordLimitConfig(failuresPerEmail: 0, failureWindow: 900, perAddressPerHour: 3)
        try await IdentityCoreHarness.with(passwordLimits: limits) { h in
            _ = try await h.signup("prj_a", "ada@example.com")
            _ = try await grant(h, "ada@example.com", "correct horse")
            await expectPublicError("INVALID_CREDENTIALS") { _ = try await grant(h, "bob@example.com", "wrong horse") }
            await expectPublicError("INVALID_CREDENTIALS") { _ = try await grant(h, "not an email", "x") }
            let before = h.app.passwords.derivationCount
            let refusal = await expectPublicError("RATE_LIMITED") { _ = try await grant(h, "ada@example.com", "correct horse") }
            #expect(h.app.passwords.derivationCount == before)
            #expect(refusal?.limit == "password_per_address")
            #expect((3500...3600).contains(refusal?.retryAfter ?? 0))
            // Another address, and a call without one, are not limited by it.
            _ = try await grant(h, "ada@example.com", "correct horse", address: "198.51.100.1")
            _ = try await grant(h, "ada@example.com", "correct horse", address: nil)
            let audit = try await h.app.core.audit.list(PageQuery(), try h.context("prj_a")).data
            #expect(audit.contains { $0.action == "login_rate_limited" && $0.detail == "password_per_address" })
        }
    }

    @Test("a grant refused by the email limit still counts against its address")
    func bothLimits() async throws {
        let limits = PasswordLimitConfig(failuresPerEmail: 1, failureWindow: 60, perAddressPerHour: 3)
        try await IdentityCoreHarness.with(passwordLimits: limits) { h in
            await expectPublicError("INVALID_CREDENTIALS") { _ = try await grant(h, "ada@example.com", "wrong horse") }
            let first = await expectPublicError("RATE_LIMITED") { _ = try await grant(h, "ada@example.com", "wrong horse") }
            #expect(first?.limit == "password_per_email")
            #expect((1...60).contains(first?.retryAfter ?? 0))
            await expectPublicError("INVALID_CREDENTIALS") { _ = try await grant(h, "bob@example.com", "wrong horse") }
            let second = await expectPublicError("RATE_LIMITED") { _ = try await grant(h, "cy@example.com", "wrong horse") }
            #expect(second?.limit == "password_per_address")
        }
    }

    @Test("the limits' variables: defaults, overrides, problems")
    func configuration() throws {
        var reader = EnvironmentReader([:])
        #expect(PasswordLimitConfig(reading: &reader) == PasswordLimitConfig(failuresPerEmail: 10, failureWindow: 900, perAddressPerHour: 60))
        try reader.finish()
        reader = EnvironmentReader([
            "IDENTITY_PASSWORD_FAILURES_PER_EMAIL": "0", "IDENTITY_PASSWORD_FAILURE_WINDOW_SECONDS": "3600",
            "IDENTITY_PASSWORD_PER_ADDRESS_PER_HOUR": "500",
        ])
        #expect(PasswordLimitConfig(reading: &reader) == PasswordLimitConfig(failuresPerEmail: 0, failureWindow: 3600, perAddressPerHour: 500))
        try reader.finish()
        reader = EnvironmentReader([
            "IDENTITY_PASSWORD_FAILURES_PER_EMAIL": "-1", "IDENTITY_PASSWORD_FAILURE_WINDOW_SECONDS": "10",
            "IDENTITY_PASSWORD_PER_ADDRESS_PER_HOUR": "lots",
        ])
        _ = PasswordLimitConfig(reading: &reader)
        #expect(Set(reader.problems.map(\.variable)) == [
            "IDENTITY_PASSWORD_FAILURES_PER_EMAIL", "IDENTITY_PASSWORD_FAILURE_WINDOW_SECONDS",
            "IDENTITY_PASSWORD_PER_ADDRESS_PER_HOUR",
        ])
    }
}
