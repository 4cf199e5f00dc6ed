import Contracts
import Dispatch
import Testing
@testable import IdentityService

@Suite("Password hasher queue")
struct PasswordHasherQueueTests {
    @Test("a full queue refuses at once with 503 SERVICE_UNAVAILABLE and Retry-After 1")
    func bounded() async throws {
        let hasher = PasswordHasher(uncheckedParameters: .init(n: 16, r: 1, p: 1), concurrency: 1, maximumPending: 2)
        let gate = DispatchSemaphore(value: 0)
        let blockers = (0..<2).map { _ in Task { try await hasher.run { gate.wait() } } }
        while hasher.pending < 2 { try await Task.sleep(for: .milliseconds(5)) }
        let refusal = await #expect(throws: PublicError.self) { _ = try await hasher.hash("correct horse") }
        #expect(refusal?.code == .serviceUnavailable)
        #expect(refusal?.retryAfter == 1)
        await #expect(throws: PublicError.self) { _ = try await hasher.verify("correct horse", against: nil) }
        gate.signal()
        gate.signal()
        for blocker in blockers { try await blocker.value }
        #expect(hasher.pending == 0)
        _ = try await hasher.hash("correct horse")
    }
}
