import Contracts
import Foundation
import Synchronization
import ServiceKit
import Testing
import Wire
@testable import CommsService

/// A BillingService stand-in on a real mTLS Wire server: records captures and releases.
final class RecordingBilling: Sendable {
    let server: WireServer
    let group: EventLoopGroup
    let client: BillingContract.Client
    let log = CallLog()

    init() throws {
        let ca = try CertificateAuthority.generate(commonName: "settlements test CA", validity: .days(1))
        let serverCert = try ca.issue(serviceName: "billing", dnsNames: [], ipAddresses: ["127.0.0.1"], validity: .days(1))
        let commsCert = try ca.issue(serviceName: "comms", dnsNames: [], ipAddresses: [], validity: .days(1))
        group = try EventLoopGroup(loopCount: 1)
        server = WireServer(
            host: "127.0.0.1", port: 0,
            tls: try TLSContext.server(
                certificateChain: serverCert.certificatePEM, privateKey: serverCert.privateKeyPEM, trustRoots: ca.certificatePEM),
            group: group, configuration: WireServer.Configuration(serviceName: "billing"))
        let record = log
        server.register(BillingContract.capture) { request, _ in
            record.append("capture " + request.reservationID)
            return SettleResponse(status: "captured")
        }
        server.register(BillingContract.release) { request, _ in
            record.append("release " + request.reservationID)
            return SettleResponse(status: "released")
        }
        try server.start()
        client = BillingContract.Client(WireClient(
            service: "billing", endpoints: [WireEndpoint(host: "127.0.0.1", port: server.port)],
            tls: try TLSContext.client(
                certificateChain: commsCert.certificatePEM, privateKey: commsCert.privateKeyPEM, trustRoots: ca.certificatePEM),
            group: group, configuration: WireClient.Configuration(connectTimeout: .seconds(5))))
    }

    var calls: [String] { log.items.withLock { $0 } }

    func shutdown() async {
        client.client.close()
        await server.shutdownGracefully(timeout: .seconds(1))
    }
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
