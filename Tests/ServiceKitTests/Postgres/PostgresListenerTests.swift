import Foundation
import Testing
@testable import ServiceKit

/// Starts consuming a listener's events into a log.
func postgresRecordEvents(_ listener: PostgresListener) -> (PostgresEventLog<PostgresListener.Event>, Task<Void, Never>) {
    let log = PostgresEventLog<PostgresListener.Event>()
    let task = Task {
        for await event in listener.events { await log.append(event) }
    }
    return (log, task)
}

extension PostgresListener.Event {
    var isListening: Bool { if case .listening = self { true } else { false } }
    var isReconnected: Bool { if case .reconnected = self { true } else { false } }
    var notification: PostgresNotification? { if case .notification(let note) = self { note } else { nil } }
}

@Suite("PostgreSQL LISTEN/NOTIFY", .enabled(if: PostgresTestEnvironment.isAvailable, PostgresTestEnvironment.disabledReason))
struct PostgresListenerTests {
    @Test("notifications on subscribed channels are delivered in order, others are not")
    func delivers() async throws {
        let configuration = try PostgresTestEnvironment.configuration(maxConnections: 1)
        let channel = PostgresTestEnvironment.uniqueName("Chan nel")  // needs quoting
        let other = PostgresTestEnvironment.uniqueName("other")
        let listener = try PostgresListener(configuration: configuration, channels: [channel])
        let (log, task) = postgresRecordEvents(listener)
        #expect(await log.wait { $0.contains { $0.isListening } })

        let pool = PostgresPool(configuration: configuration)
        try await pool.notify(channel: other, payload: "not for us")
        try await pool.notify(channel: channel, payload: "key-1 🐱")
        try await pool.withTransaction { tx in
            try await tx.notify(channel: channel, payload: "key-2")
            try await tx.notify(channel: channel, payload: "key-3")
        }
        #expect(await log.wait { $0.compactMap(\.notification).count >= 3 })
        let notes = await log.events.compactMap(\.notification)
        #expect(notes.map(\.payload) == ["key-1 🐱", "key-2", "key-3"])
        #expect(notes.allSatisfy { $0.channel == channel })

        listener.stop()
        await task.value  // the sequence ends after stop()
        await pool.close()
    }

    @Test("invalid channel names are rejected")
    func invalidChannels() throws {
        let configuration = try PostgresTestEnvironment.configuration(maxConnections: 1)
        #expect(throws: PostgresError.self) { try PostgresListener(configuration: configuration, channels: []) }
        #expect(throws: PostgresError.self) {
            try PostgresListener(configuration: configuration, channels: [String(repeating: "x", count: 64)])
        }
    }
}
