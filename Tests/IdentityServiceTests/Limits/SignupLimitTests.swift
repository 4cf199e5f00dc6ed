import Contracts
import Foundation
import Testing
import Wire
@testable import IdentityService
@testable import ServiceKit

@Suite("Signup limits", .enabled(if: IdentityCoreHarness.isAvailable))
struct SignupLimitTests {
    private func signup(_ h: IdentityCoreHarness, _ email: String, address: String?) async throws -> SignupResponse {
        try await h.app.accounts.signup(
            SignupRequest(email: email, password: "correct horse"), try h.context("prj_a", address: address))
    }

    @Test("signups per client address: an IPv6 host counts as its /64, before any KDF work")
    func perAddress() async throws {
        let limits = PasswordLimitConfig(signupsPerAddressPerHour: 2, signupsPerEmailPerHour: 0)
        try await IdentityCoreHarness.with(passwordLimits: limits) { h in
            _ = try await signup(h, "a@example.com", address: "2001:db8:1:2::1")
            _ = try await signup(h, "b@example.com", address: "2001:db8:1:2::ffff")
            let before = h.app.passwords.derivationCount
            let refusal = await expectPublicError("RATE_LIMITED") {
                _ = try await signup(h, "c@example.com", address: "2001:db8:1:2:aaaa::7")
            }
            #expect(refusal?.limit == "signup_per_address")
            #expect((1...3600).contains(refusal?.retryAfter ?? 0))
            #expect(h.app.passwords.derivationCount == before, "refused before the KDF")
            #expect(try await h.app.core.users.find(projectID: "prj_a", email: "c@example.com") == nil)
            // Another /64, and an IPv4-mapped address against its IPv4 form, count apart and together.
            _ = try await signup(h, "c@example.com", address: "2001:db8:1:3::1")
            _ = try await signup(h, "d@example.com", address: "::ffff:198.51.100.4")
            _ = try await signup(h, "e@example.com", address: "198.51.100.4")
            await expectPublicError("RATE_LIMITED") { _ = try await signup(h, "f@example.com", address: "198.51.100.4") }
        }
    }

    @Test("signups per email, taken or not; a taken email answers 409 without running the KDF")
    func perEmail() async throws {
        let limits = PasswordLimitConfig(signupsPerAddressPerHour: 0, signupsPerEmailPerHour: 3)
        try await IdentityCoreHarness.with(passwordLimits: limits) { h in
            _ = try await signup(h, "ada@example.com", address: "203.0.113.1")
            let before = h.app.passwords.derivationCount
            for address in ["203.0.113.2", "203.0.113.3"] {
                let conflict = await expectPublicError("CONFLICT") {
                    _ = try await signup(h, " ADA@example.com", address: address)
                }
                #expect(conflict?.field == "email")
            }
            #expect(h.app.passwords.derivationCount == before, "no scrypt for an email that exists")
            let refusal = await expectPublicError("RATE_LIMITED") { _ = try await signup(h, "ada@example.com", address: "203.0.113.4") }
            #expect(refusal?.limit == "signup_per_email")
            _ = try await signup(h, "bob@example.com", address: "203.0.113.4")
        }
    }

    @Test("a signup cancelled while it waits for the hasher never runs scrypt and creates no user")
    func cancelledSignup() async throws {
        try await IdentityCoreHarness.with { h in
            let gate = DispatchSemaphore(value: 0)
            let base = h.app.passwords.derivationCount
            // Occupy both of the harness's hasher queues, and wait until both blockers run (they count when they
            // start on their queue, which on a loaded machine can be well after they were queued).
            let blockers = (0..<2).map { _ in Task { try await h.app.passwords.run { gate.wait() } } }
            while h.app.passwords.derivationCount < base + 2 { try await Task.sleep(for: .milliseconds(5)) }
            let before = h.app.passwords.derivationCount
            let call = Task { try await signup(h, "late@example.com", address: "203.0.113.9") }
            while h.app.passwords.pending < 3 { try await Task.sleep(for: .milliseconds(5)) }
            call.cancel()
            gate.signal()
            gate.signal()
            for blocker in blockers { try await blocker.value }
            await #expect(throws: CancellationError.self) { _ = try await call.value }
            #expect(h.app.passwords.derivationCount == before, "the cancelled derivation was dropped")
            #expect(try await h.app.core.users.find(projectID: "prj_a", email: "late@example.com") == nil)
        }
    }
}
