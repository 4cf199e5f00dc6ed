import Contracts
import Foundation
import ServiceKit
import Testing
import Wire
@testable import CommsService
@testable import PurrpurrTestSupport

/// Several replicas, crashes and fair use.
@Suite("Outbox concurrency (PostgreSQL)", .enabled(if: CommsHarness.databaseURL != nil, CommsHarness.disabledReason))
struct OutboxConcurrencyTests {
    static func email(_ to: String) -> SendEmailRequest {
        SendEmailRequest(to: [to], subject: "Hello", text: "Hi")
    }

    @Test("two outbox replicas on one database deliver 20 messages exactly once each")
    func twoReplicas() async throws {
        let smtp = try await SMTPTestServer.start()
        let first = try await CommsHarness(smtpPort: smtp.port)
        let second = try await CommsHarness(smtpPort: smtp.port, schema: first.schema)
        var ids: [String] = []
        for index in 0..<20 { ids.append(try await first.send(Self.email("r\(index)@example.test")).id) }
        let a = first.startOutbox()
        let b = second.startOutbox()
        let mail = try await smtp.waitForMessages(count: 20, timeout: .seconds(30))
        try await Task.sleep(for: .milliseconds(500))
        #expect(try smtp.messages().count == 20)
        #expect(Set(mail.flatMap(\.rcptTos)).count == 20)
        for id in ids { #expect(try await first.message(id).attempts == 1) }
        await a.stop()
        await b.stop()
        await first.close()
        await second.close()
        await smtp.stop()
    }

    @Test("a message claimed by a worker that crashed is sent after its lease expires")
    func leaseExpiry() async throws {
        let smtp = try await SMTPTestServer.start()
        let harness = try await CommsHarness(smtpPort: smtp.port)
        let accepted = try await harness.send(Self.email("crash@example.test"))
        // The "crashed" worker: claims and never reports.
        let claimed = try await harness.store.claim(limit: 5, perProject: 5, lease: .milliseconds(800))
        #expect(claimed.map(\.id) == [accepted.id])
        #expect(try await harness.message(accepted.id).status == "sending")
        let outbox = harness.startOutbox()
        try await Task.sleep(for: .milliseconds(400))
        #expect(try smtp.messages().isEmpty)
        let view = try await harness.waitFor(accepted.id, status: "sent")
        #expect(view.attempts == 2)
        #expect(try await smtp.waitForMessages(count: 1).count == 1)
        await outbox.stop()
        await harness.close()
        await smtp.stop()
    }

    @Test("fair use: project B's message does not wait behind project A's 50")
    func fairUse() async throws {
        let transport = ScriptedTransport()
        let harness = try await CommsHarness(environment: ["COMMS_PROJECT_RATE_PER_SECOND": "10"], transport: transport)
        for index in 0..<50 { _ = try await harness.send(Self.email("a\(index)@example.test"), project: "prj_a") }
        let b = try await harness.send(Self.email("b@example.test"), project: "prj_b")
        let outbox = harness.startOutbox()
        _ = try await harness.waitFor(b.id, status: "sent", project: "prj_b", timeout: .seconds(10))
        let sentToA = transport.calls.filter { $0.first?.hasPrefix("a") == true }.count
        #expect(sentToA <= 15, "project B waited for \(sentToA) of project A's messages")
        // A is paced at its rate (burst 10, then 10/s), and none of its messages is lost.
        try await Task.sleep(for: .milliseconds(500))
        #expect(transport.calls.count < 51)
        let deadline = ContinuousClock.now + .seconds(15)
        while transport.calls.count < 51, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
        #expect(transport.calls.count == 51)
        // The outcome is written just after the transport returns: wait for the last one to be recorded.
        var attempts = try await harness.store.listMessages(projectID: "prj_a", status: "sent", page: PageQuery(limit: 200))
        while attempts.data.count < 50, ContinuousClock.now < deadline + .seconds(5) {
            try await Task.sleep(for: .milliseconds(50))
            attempts = try await harness.store.listMessages(projectID: "prj_a", status: "sent", page: PageQuery(limit: 200))
        }
        #expect(attempts.data.count == 50)
        #expect(attempts.data.allSatisfy { $0.attempts == 1 })
        await outbox.stop()
        await harness.close()
    }

    @Test("a graceful stop puts claimed but unsent messages back, unattempted")
    func drainPutsBack() async throws {
        let transport = ScriptedTransport()
        let harness = try await CommsHarness(environment: ["COMMS_PROJECT_RATE_PER_SECOND": "1"], transport: transport)
        for index in 0..<6 { _ = try await harness.send(Self.email("d\(index)@example.test")) }
        let outbox = harness.startOutbox()
        try await Task.sleep(for: .milliseconds(300))
        await outbox.stop()
        let page = try await harness.store.listMessages(projectID: CommsHarness.project, status: nil, page: PageQuery())
        #expect(page.data.filter { $0.status == "sending" }.isEmpty)
        #expect(page.data.filter { $0.status == "sent" }.count == transport.calls.count)
        #expect(page.data.filter { $0.status == "queued" }.allSatisfy { $0.attempts == 0 })
        await harness.close()
    }
}
