import Contracts
import Foundation
import ServiceKit
import Testing
import Wire
@testable import CommsService
@testable import PurrpurrTestSupport

/// The outbox end to end against a real SMTP server (aiosmtpd): delivery, retries, permanent failures,
/// suppression, idempotency and scheduling.
@Suite("Outbox delivery (PostgreSQL + SMTP)", .enabled(if: CommsHarness.databaseURL != nil, CommsHarness.disabledReason))
struct OutboxDeliveryTests {
    static func email(_ to: [String] = ["ana@example.test"], key: String? = nil, sendAt: Date? = nil) -> SendEmailRequest {
        SendEmailRequest(to: to, subject: "Hello", text: "Hi there", sendAt: sendAt, idempotencyKey: key)
    }

    @Test("an accepted message is delivered once, with the stable Message-ID")
    func deliveredOnce() async throws {
        let smtp = try await SMTPTestServer.start()
        let harness = try await CommsHarness(smtpPort: smtp.port)
        let outbox = harness.startOutbox()
        let accepted = try await harness.send(Self.email())
        #expect(accepted.status == "queued")
        #expect(accepted.id.hasPrefix("msg_"))

        let view = try await harness.waitFor(accepted.id, status: "sent")
        #expect(view.status == "sent")
        #expect(view.attempts == 1)
        #expect(view.events.map(\.status) == ["queued", "sent"])
        #expect(view.events.last?.detail?.hasPrefix("250") == true)
        let mail = try await smtp.waitForMessages(count: 1)
        try await Task.sleep(for: .milliseconds(300))
        #expect(try smtp.messages().count == 1)
        #expect(mail.first?.rcptTos == ["ana@example.test"])
        #expect(mail.first?.mailFrom == "noreply@purrpurr.test")
        #expect(mail.first?.text.contains("Message-ID: <\(accepted.id)@mail.purrpurr.test>") == true)
        await outbox.stop()
        await harness.close()
        await smtp.stop()
    }

    @Test("a 451 is retried on the schedule; the message arrives once and the events show both attempts")
    func temporaryFailureRetried() async throws {
        let smtp = try await SMTPTestServer.start(.init(tempfailFirst: 1))
        let harness = try await CommsHarness(smtpPort: smtp.port)
        let outbox = harness.startOutbox()
        let accepted = try await harness.send(Self.email())
        let view = try await harness.waitFor(accepted.id, status: "sent")
        #expect(view.status == "sent")
        #expect(view.attempts == 2)
        #expect(view.events.map(\.status) == ["queued", "queued", "sent"])
        #expect(view.events[1].detail?.contains("451") == true)
        #expect(view.events[1].detail?.contains("Attempt 1 failed temporarily") == true)
        #expect(try await smtp.waitForMessages(count: 1).count == 1)
        await outbox.stop()
        await harness.close()
        await smtp.stop()
    }

    @Test("a 550 user unknown fails permanently with the reply, and suppresses the address")
    func userUnknown() async throws {
        let smtp = try await SMTPTestServer.start(.init(rejectRecipients: ["nobody@example.test": "550:5.1.1 User unknown"]))
        let harness = try await CommsHarness(smtpPort: smtp.port)
        let outbox = harness.startOutbox()
        let accepted = try await harness.send(Self.email(["nobody@example.test"]))
        let view = try await harness.waitFor(accepted.id, status: "failed")
        #expect(view.status == "failed")
        #expect(view.attempts == 1)
        #expect(view.events.last?.detail?.contains("550") == true)
        let suppressions = try await harness.store.listSuppressions(projectID: CommsHarness.project, page: PageQuery())
        #expect(suppressions.data.map(\.email) == ["nobody@example.test"])
        #expect(suppressions.data.first?.reason == "user_unknown")
        // The next message to that address is suppressed at once.
        let again = try await harness.send(Self.email(["nobody@example.test"]))
        #expect(again.status == "suppressed")
        await outbox.stop()
        await harness.close()
        await smtp.stop()
    }

    @Test("a stalled server times out and the message is retried")
    func stallRetried() async throws {
        let smtp = try await SMTPTestServer.start(.init(stallAfter: "DATA"))
        var client = SMTPClientConfiguration()
        client.commandTimeout = .milliseconds(500)
        client.dataTimeout = .milliseconds(500)
        let harness = try await CommsHarness(smtpPort: smtp.port, environment: ["COMMS_RETRY_SCHEDULE": "30s"], smtp: client)
        let outbox = harness.startOutbox()
        let accepted = try await harness.send(Self.email())
        let deadline = ContinuousClock.now + .seconds(15)
        var view = try await harness.message(accepted.id)
        while view.events.count < 2, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            view = try await harness.message(accepted.id)
        }
        #expect(view.status == "queued")
        #expect(view.attempts == 1)
        #expect(view.events.last?.detail?.contains("Attempt 1 failed temporarily") == true)
        #expect(view.events.last?.detail?.contains("Next attempt in") == true)
        await outbox.stop()
        await harness.close()
        await smtp.stop()
    }

    @Test("a message to a suppressed address ends suppressed and the SMTP server sees no connection")
    func suppressedNoConnection() async throws {
        let smtp = try await SMTPTestServer.start()
        let harness = try await CommsHarness(smtpPort: smtp.port)
        try await harness.store.addSuppression(
            harness.pool, projectID: CommsHarness.project, email: "Gone@Example.test", reason: "manual")
        let outbox = harness.startOutbox()
        let accepted = try await harness.send(Self.email(["gone@example.test"]))
        #expect(accepted.status == "suppressed")
        let view = try await harness.message(accepted.id)
        #expect(view.events.map(\.status) == ["suppressed"])

        // Suppressed after acceptance: the worker re-checks and skips the connection too.
        let later = try await harness.send(Self.email(["late@example.test"], sendAt: Date().addingTimeInterval(1)))
        try await harness.store.addSuppression(
            harness.pool, projectID: CommsHarness.project, email: "late@example.test", reason: "manual")
        #expect(try await harness.waitFor(later.id, status: "suppressed").status == "suppressed")

        // The first connection the server ever sees is this message's.
        let normal = try await harness.send(Self.email(["ok@example.test"]))
        _ = try await harness.waitFor(normal.id, status: "sent")
        let mail = try await smtp.waitForMessages(count: 1)
        #expect(mail.map(\.rcptTos) == [["ok@example.test"]])
        #expect(mail.first?.connection == 1)
        await outbox.stop()
        await harness.close()
        await smtp.stop()
    }

    @Test("the same idempotency key yields one message and one delivery")
    func idempotency() async throws {
        let smtp = try await SMTPTestServer.start()
        let harness = try await CommsHarness(smtpPort: smtp.port)
        let outbox = harness.startOutbox()
        let first = try await harness.send(Self.email(key: "order-42"))
        let second = try await harness.send(Self.email(key: "order-42"))
        #expect(first.id == second.id)
        // Concurrent repeats too.
        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<5 { group.addTask { try await harness.send(Self.email(key: "race-7")).id } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(ids.count == 1)
        _ = try await harness.waitFor(first.id, status: "sent")
        _ = try await harness.waitFor(try #require(ids.first), status: "sent")
        try await Task.sleep(for: .milliseconds(300))
        #expect(try smtp.messages().count == 2)
        let page = try await harness.store.listMessages(projectID: CommsHarness.project, status: nil, page: PageQuery())
        #expect(page.data.count == 2)
        await outbox.stop()
        await harness.close()
        await smtp.stop()
    }

    @Test("send_at in the future is not sent before")
    func scheduled() async throws {
        let smtp = try await SMTPTestServer.start()
        let harness = try await CommsHarness(smtpPort: smtp.port)
        let outbox = harness.startOutbox()
        let due = Date().addingTimeInterval(1.5)
        let accepted = try await harness.send(Self.email(sendAt: due))
        try await Task.sleep(for: .milliseconds(1000))
        #expect(try smtp.messages().isEmpty)
        #expect(try await harness.message(accepted.id).status == "queued")
        _ = try await harness.waitFor(accepted.id, status: "sent")
        #expect(Date() >= due)
        #expect(try await smtp.waitForMessages(count: 1).count == 1)
        await outbox.stop()
        await harness.close()
        await smtp.stop()
    }
}
