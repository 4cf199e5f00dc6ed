import Contracts
import Foundation
import ServiceKit
import Synchronization
import Testing
@testable import CommsService

/// How deliveries wake the claimers (``WebhookWake``): this replica's in-process after the commit (never before,
/// never for a rollback), the other replicas by `NOTIFY`s sent outside the recording transactions, coalesced.
@Suite("Webhook wake (PostgreSQL)", .enabled(if: CommsHarness.databaseURL != nil, CommsHarness.disabledReason))
struct WebhookWakeTests {
    /// The `NOTIFY`s seen on a channel.
    final class Notes: Sendable {
        let count = Atomic<Int>(0)
        let listening = Atomic<Bool>(false)
    }

    static func listen(_ harness: CommsHarness) throws -> (PostgresListener, Notes, Task<Void, Never>) {
        let listener = try PostgresListener(configuration: harness.pool.configuration, channels: [harness.store.webhookChannel])
        let notes = Notes()
        let task = Task {
            for await event in listener.events {
                switch event {
                case .listening: notes.listening.store(true, ordering: .releasing)
                case .notification: notes.count.add(1, ordering: .relaxed)
                default: break
                }
            }
        }
        return (listener, notes, task)
    }

    static func settle(until condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !condition(), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
    }

    @Test("a recording transaction wakes the local claimer after its commit, a rolled-back one wakes nobody")
    func afterCommit() async throws {
        let harness = try await CommsHarness(webhooks: [:])
        _ = try await harness.createEndpoint("http://127.0.0.1:9/a", events: ["email.sent"])
        let local = Atomic<Int>(0)
        harness.store.webhookWake.setLocal { local.add(1, ordering: .relaxed) }
        let (listener, notes, task) = try Self.listen(harness)
        try await Self.settle { notes.listening.load(ordering: .acquiring) }

        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            try await harness.pool.withTransaction { tx in
                try await harness.store.emitOwnEvent(tx, projectID: CommsHarness.project, type: .emailSent, data: ["message_id": "msg_1"])
                throw Boom()
            }
        }
        #expect(local.load(ordering: .relaxed) == 0)
        let seenInside = try await harness.pool.withTransaction { tx in
            try await harness.store.emitOwnEvent(tx, projectID: CommsHarness.project, type: .emailSent, data: ["message_id": "msg_2"])
            return local.load(ordering: .relaxed)
        }
        #expect(seenInside == 0)
        #expect(local.load(ordering: .relaxed) == 1)
        try await Self.settle { notes.count.load(ordering: .relaxed) >= 1 }
        #expect(notes.count.load(ordering: .relaxed) == 1)
        // An event no endpoint subscribes to makes no delivery and wakes nobody.
        try await harness.pool.withTransaction { tx in
            try await harness.store.emitOwnEvent(tx, projectID: CommsHarness.project, type: .emailFailed, data: ["message_id": "msg_3"])
        }
        #expect(local.load(ordering: .relaxed) == 1)
        listener.stop()
        await task.value
        await harness.close()
    }

    @Test("many commits at once: the local claimer woken for each, the other replicas by a few NOTIFYs, the last after the last commit")
    func coalesced() async throws {
        let harness = try await CommsHarness(webhooks: [:])
        let local = Atomic<Int>(0)
        harness.store.webhookWake.setLocal { local.add(1, ordering: .relaxed) }
        let (listener, notes, task) = try Self.listen(harness)
        try await Self.settle { notes.listening.load(ordering: .acquiring) }
        for _ in 0..<100 { harness.store.webhookWake.committed() }
        #expect(local.load(ordering: .relaxed) == 100)
        // One at once, one for those in its gap (more only if this loop was descheduled for a whole gap).
        try await Self.settle { notes.count.load(ordering: .relaxed) >= 2 }
        try await Task.sleep(for: WebhookWake.notifyGap * 5)
        #expect((2...10).contains(notes.count.load(ordering: .relaxed)))
        listener.stop()
        await task.value
        await harness.close()
    }
}
