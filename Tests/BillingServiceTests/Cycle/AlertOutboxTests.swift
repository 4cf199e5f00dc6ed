import Contracts
import Foundation
import Synchronization
import ServiceKit
import Testing
import Wire
@testable import BillingService
import PurrpurrTestSupport

/// A CommsService stand-in (``StandInWireService``): records sends and events; `withEvents: false` is a Comms
/// without `comms.EmitEvent` yet (the call answers an unknown-method error).
final class RecordingComms: Sendable {
    let wire: StandInWireService
    let emails = Recorded<SendEmailRequest>()
    let events = Recorded<EmitEventRequest>()

    init(withEvents: Bool) throws {
        let (emails, events) = (self.emails, self.events)
        wire = try StandInWireService(service: "comms", caller: "billing") { server in
            server.register(CommsContract.sendEmail) { request, _ in
                emails.items.withLock { $0.append(request) }
                return SendEmailResponse(id: "msg_1", status: "queued")
            }
            if withEvents {
                server.register(CommsContract.emitEvent) { request, _ in
                    events.items.withLock { $0.append(request) }
                    return EmitEventResponse(recorded: true, deliveries: 0)
                }
            }
        }
    }

    var client: CommsContract.Client { CommsContract.Client(wire.client) }

    func shutdown() async { await wire.shutdown() }
}

/// What a stand-in received.
final class Recorded<Item: Sendable>: Sendable {
    let items = Mutex<[Item]>([])
    func withLock<T>(_ body: (inout [Item]) -> T) -> T { items.withLock { body(&$0) } }
}

@Suite("Billing alert outbox", .enabled(if: BillingTestDatabase.isAvailable))
struct AlertOutboxTests {
    @Test("an alert is one email to the billing email and one event; a Comms without EmitEvent is retried later")
    func retriedUntilAnswered() async throws {
        try await BillingHarness.with { h in
            let project = try await h.project()
            _ = try await h.store.setUpAccount(SetUpAccountRequest(projectID: project, billingEmail: "owner@example.test"))
            try await h.shiftClock(seconds: 12 * 86_400)
            try await h.store.runDue()   // billing.trial.ending

            let old = try RecordingComms(withEvents: false)
            let first = AlertOutbox(store: h.store, comms: old.client, logger: Logger(handler: InMemoryLogHandler()))
            #expect(try await first.dispatch() == 0)
            #expect(old.emails.withLock { $0.map(\.to) } == [["owner@example.test"]])
            #expect(try await first.dispatch() == 0)   // backing off: nothing due yet
            await old.shutdown()

            try await h.pool.execute("UPDATE \(h.schema).alerts SET next_attempt_at = clock_timestamp()")
            let comms = try RecordingComms(withEvents: true)
            let second = AlertOutbox(store: h.store, comms: comms.client, logger: Logger(handler: InMemoryLogHandler()))
            #expect(try await second.dispatch() == 1)
            #expect(comms.emails.withLock { $0.isEmpty })
            let events = comms.events.withLock { $0 }
            #expect(events.map(\.type) == [.billingTrialEnding] && events.first?.eventID.hasPrefix("evt_") == true)
            try await h.pool.execute("UPDATE \(h.schema).alerts SET next_attempt_at = clock_timestamp()")
            #expect(try await second.dispatch() == 0)
            #expect(comms.events.withLock { $0.count } == 1)
            await comms.shutdown()
        }
    }
}
