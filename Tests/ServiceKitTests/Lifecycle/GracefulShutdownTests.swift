import Synchronization
import Testing
@testable import ServiceKit

@Suite("Graceful shutdown")
struct GracefulShutdownTests {
    @Test("handlers run once on trigger, or at once if already triggered")
    func handlers() async {
        let token = GracefulShutdownToken()
        let calls = Atomic<Int>(0)
        await GracefulShutdownToken.$current.withValue(token) {
            await withGracefulShutdownHandler {
                #expect(!Task.isShuttingDownGracefully)
                token.trigger()
                token.trigger()
                #expect(Task.isShuttingDownGracefully)
            } onGracefulShutdown: {
                calls.add(1, ordering: .relaxed)
            }
            await withGracefulShutdownHandler {} onGracefulShutdown: { calls.add(10, ordering: .relaxed) }
        }
        #expect(calls.load(ordering: .relaxed) == 11)
    }

    @Test("gracefulShutdown() returns on trigger and throws on cancellation")
    func waiting() async throws {
        let token = GracefulShutdownToken()
        let waiter = Task { try await GracefulShutdownToken.$current.withValue(token) { try await gracefulShutdown() } }
        try await Task.sleep(for: .milliseconds(20))
        token.trigger()
        try await waiter.value

        let cancelled = Task { try await gracefulShutdown() }
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
    }

    @Test("IdleService idles until asked to stop")
    func idle() async throws {
        let token = GracefulShutdownToken()
        let returned = Atomic<Bool>(false)
        let service = Task {
            try await GracefulShutdownToken.$current.withValue(token) { try await IdleService().run() }
            returned.store(true, ordering: .sequentiallyConsistent)
        }
        try await Task.sleep(for: .milliseconds(200))
        let returnedEarly = returned.load(ordering: .sequentiallyConsistent)
        #expect(!returnedEarly, "IdleService returned before it was asked to stop")
        token.trigger()
        try await service.value
    }
}
