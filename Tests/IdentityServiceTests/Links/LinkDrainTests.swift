import Contracts
import Foundation
import Synchronization
import Testing
import Wire
@testable import IdentityService
@testable import ServiceKit

@Suite("Pending emails")
struct PendingEmailsTests {
    @Test("waiting returns once every send has finished, at once when there is none")
    func waits() async throws {
        let pending = PendingEmails()
        await pending.waitUntilIdle()
        let (gate, open) = AsyncStream.makeStream(of: Void.self)
        let done = Mutex(0)
        for _ in 0..<3 {
            pending.start {
                for await _ in gate { break }
                done.withLock { $0 += 1 }
            }
        }
        #expect(pending.count == 3)
        let waiter = Task { await pending.waitUntilIdle() }
        try await Task.sleep(for: .milliseconds(50))
        #expect(done.withLock { $0 } == 0)
        open.finish()
        await waiter.value
        #expect(done.withLock { $0 } == 3)
        #expect(pending.count == 0)
    }

    @Test("a cancelled waiter returns at once, leaving the send running")
    func cancelled() async throws {
        let pending = PendingEmails()
        let (gate, open) = AsyncStream.makeStream(of: Void.self)
        pending.start { for await _ in gate { break } }
        let waiter = Task { await pending.waitUntilIdle() }
        try await Task.sleep(for: .milliseconds(20))
        waiter.cancel()
        await waiter.value
        #expect(pending.count == 1)
        // Already cancelled before waiting: returns at once too.
        let early = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            await pending.waitUntilIdle()
        }
        await early.value
        open.finish()
        await pending.waitUntilIdle()
        #expect(pending.count == 0)
    }
}

@Suite("Email drain on SIGTERM", .enabled(if: linkDatabaseAvailable))
struct LinkEmailDrainTests {
    private func group(_ h: LinkTestHarness, drainTimeout: Duration) -> (ServiceGroup, AsyncStream<UnixSignal>.Continuation) {
        let (signals, signal) = AsyncStream.makeStream(of: UnixSignal.self)
        let group = ServiceGroup(
            services: [LinkEmailDrain(links: h.flows)], signals: signals, drainTimeout: drainTimeout,
            logger: Logger(handler: InMemoryLogHandler(), level: .debug))
        return (group, signal)
    }

    @Test("a graceful stop waits until the recovery email sent after answering is handed over")
    func waitsForRecovery() async throws {
        try await withLinkHarness { h in
            let project = try await h.project()
            _ = try await h.core.users.createPasswordless(projectID: project, email: "ana@example.com", confirmed: true)
            h.mailer.hold()
            _ = try await h.flows.recover(EmailLinkRequest(email: "ana@example.com"), h.context(project))
            let (group, signal) = group(h, drainTimeout: .seconds(30))
            let stopped = Mutex(false)
            let running = Task {
                try await group.run()
                stopped.withLock { $0 = true }
            }
            signal.yield(.sigterm)
            try await Task.sleep(for: .milliseconds(200))
            #expect(!stopped.withLock { $0 })
            #expect(h.mailer.emails.isEmpty)
            h.mailer.open()
            try await running.value
            #expect(h.mailer.onlyEmail?.template == "identity.recovery")
        }
    }

    @Test("the drain timeout bounds the wait")
    func timeout() async throws {
        try await withLinkHarness { h in
            let project = try await h.project()
            _ = try await h.core.users.createPasswordless(projectID: project, email: "ana@example.com", confirmed: true)
            h.mailer.hold()
            _ = try await h.flows.recover(EmailLinkRequest(email: "ana@example.com"), h.context(project))
            let (group, _) = group(h, drainTimeout: .milliseconds(200))
            let start = ContinuousClock.now
            let running = Task { try await group.run() }
            group.triggerGracefulShutdown()
            await #expect(throws: ServiceGroupError.self) { try await running.value }
            #expect(ContinuousClock.now - start < .seconds(5))
            h.mailer.open()
        }
    }

    @Test("with nothing pending the drain returns at once (not after its 30 s timeout)")
    func idle() async throws {
        try await withLinkHarness { h in
            #expect(h.flows.pending.count == 0)
            let (group, signal) = group(h, drainTimeout: .seconds(30))
            let running = Task { try await group.run() }
            try await Task.sleep(for: .milliseconds(50))
            let start = ContinuousClock.now
            signal.yield(.sigint)
            try await running.value
            #expect(ContinuousClock.now - start < .seconds(1))
            #expect(h.mailer.emails.isEmpty)
        }
    }

    @Test("the app lists the drain, over its own link flows, after the pool and before the Wire server")
    func appListsIt() async throws {
        try await IdentityCoreHarness.with { h in
            let services = h.app.meshParts().ordered(database: NamedService(name: "database"), wire: NamedService(name: "wire"))
            let drains = services.enumerated().compactMap { index, service in
                (service as? LinkEmailDrain).map { (index, $0) }
            }
            #expect(drains.count == 1)
            let (position, drain) = try #require(drains.first)
            #expect(drain.links as? CoreTestLinkFlows === h.links)
            // Stopped in reverse: the Wire server (index 2) before the drain, the pool (index 0) after it.
            #expect(services.count == 4)
            #expect(position == 1)
            #expect(services.map { ($0 as? NamedService)?.name } == ["database", nil, "wire", nil])
            #expect(services.last is IdentityHousekeeping)
        }
    }
}

/// A stand-in for the pool and the Wire server in the app's service list.
private struct NamedService: Service {
    let name: String
    func run() async throws { try await gracefulShutdown() }
}
