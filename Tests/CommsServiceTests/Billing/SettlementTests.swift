import Contracts
import Foundation
import Synchronization
import ServiceKit
import Testing
import Wire
@testable import CommsService
import PurrpurrTestSupport

/// A BillingService stand-in (``StandInWireService``): records captures and releases.
final class RecordingBilling: Sendable {
    let wire: StandInWireService
    let log = CallLog()

    init() throws {
        let record = log
        wire = try StandInWireService(service: "billing", caller: "comms") { server in
            server.register(BillingContract.capture) { request, _ in
                record.append("capture " + request.reservationID)
                return SettleResponse(status: "captured")
            }
            server.register(BillingContract.release) { request, _ in
                record.append("release " + request.reservationID)
                return SettleResponse(status: "released")
            }
        }
    }

    var client: BillingContract.Client { BillingContract.Client(wire.client) }
    var calls: [String] { log.items.withLock { $0 } }

    func shutdown() async { await wire.shutdown() }
}

/// The calls a stand-in received.
final class CallLog: Sendable {
    let items = Mutex<[String]>([])
    func append(_ item: String) { items.withLock { $0.append(item) } }
}

@Suite("Credit guard settlements", .enabled(if: CommsHarness.databaseURL != nil, CommsHarness.disabledReason))
struct SettlementTests {
    func settlements(_ harness: CommsHarness) async throws -> [String] {
        try await harness.pool.query(
            "SELECT action || ' ' || reservation_id FROM \(harness.schema).settlements ORDER BY created_at, reservation_id"
        ).map { try $0.decode(String.self, at: 0) }
    }

    @Test("sent captures, failed and suppressed release, an idempotent repeat gives its new reservation back; the settler sends each once")
    func decided() async throws {
        let transport = ScriptedTransport()
        transport.answer { recipients in
            recipients.contains("bad@example.test")
                ? .permanentFailure(detail: "550 5.1.1 User unknown", rejected: []) : .delivered(reply: "250 OK", rejected: [])
        }
        let harness = try await CommsHarness(transport: transport)
        let outbox = harness.startOutbox()
        let sent = try await harness.send(SendEmailRequest(to: ["ok@example.test"], subject: "s", text: "t", reservationID: "rsv_1"))
        let failed = try await harness.send(SendEmailRequest(to: ["bad@example.test"], subject: "s", text: "t", reservationID: "rsv_2"))
        try await harness.store.addSuppression(harness.pool, projectID: CommsHarness.project, email: "gone@example.test", reason: "manual")
        let suppressed = try await harness.send(SendEmailRequest(to: ["gone@example.test"], subject: "s", text: "t", reservationID: "rsv_3"))
        #expect(suppressed.status == "suppressed")
        let first = try await harness.send(
            SendEmailRequest(to: ["ok@example.test"], subject: "k", text: "t", idempotencyKey: "k1", reservationID: "rsv_4"))
        let repeated = try await harness.send(
            SendEmailRequest(to: ["ok@example.test"], subject: "k", text: "t", idempotencyKey: "k1", reservationID: "rsv_5"))
        #expect(repeated.id == first.id)
        #expect(try await harness.waitFor(sent.id, status: "sent").status == "sent")
        #expect(try await harness.waitFor(failed.id, status: "failed").status == "failed")
        #expect(try await harness.waitFor(first.id, status: "sent").status == "sent")
        await outbox.stop()
        #expect(Set(try await settlements(harness)) == [
            "capture rsv_1", "release rsv_2", "release rsv_3", "capture rsv_4", "release rsv_5"])

        let billing = try RecordingBilling()
        let settler = BillingSettler(
            store: harness.store, billing: billing.client, pollInterval: .milliseconds(50),
            logger: Logger(handler: InMemoryLogHandler()))
        #expect(try await settler.settleDue() == 5)
        #expect(try await settler.settleDue() == 0)
        #expect(Set(billing.calls) == ["capture rsv_1", "release rsv_2", "release rsv_3", "capture rsv_4", "release rsv_5"])
        #expect(billing.calls.count == 5)
        let done = try await harness.pool.query("SELECT count(*)::bigint FROM \(harness.schema).settlements WHERE done")
        #expect(try done.first!.decode(Int64.self, at: 0) == 5)
        await billing.shutdown()
        await harness.close()
    }
}
