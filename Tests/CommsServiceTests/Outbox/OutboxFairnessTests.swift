import Contracts
import Foundation
import ServiceKit
import Testing
import Wire
@testable import CommsService
@testable import PurrpurrTestSupport

/// A project whose relay stalls: its attempts end at the send deadline, it holds at most its cap of
/// workers and connections, other projects' mail keeps flowing, and nothing is sent twice.
@Suite("Outbox fairness (PostgreSQL + SMTP)", .enabled(if: CommsHarness.databaseURL != nil, CommsHarness.disabledReason))
struct OutboxFairnessTests {
    @Test("a stalling project relay: no message sent twice, at most one connection to it, project B's mail flows")
    func stallingRelay() async throws {
        let smtp = try await SMTPTestServer.start()  // the platform relay, used by project B
        let stalling = try StallingTCPServer.start()  // project A's relay: accepts, never greets
        defer { stalling.stop() }
        var client = SMTPClientConfiguration()
        client.commandTimeout = .seconds(8)  // longer than the 5 s lease: only the send deadline stops a stall
        let harness = try await CommsHarness(
            smtpPort: smtp.port,
            environment: [
                "COMMS_WORKERS": "3", "COMMS_WORKERS_PER_PROJECT": "1", "COMMS_SEND_TIMEOUT_SECONDS": "1",
                "COMMS_RETRY_SCHEDULE": "200ms", "COMMS_PROJECT_RATE_PER_SECOND": "1000",
            ],
            smtp: client,
            relayGuard: OutboundGuard(policy: OutboundPolicy(allowedPorts: [stalling.port], allowsPrivateNetworks: true)))
        _ = try await harness.handlers.updateSettings(
            UpdateCommsSettingsRequest(smtpURL: "smtp://127.0.0.1:\(stalling.port)"), projectID: "prj_a")
        var slow: [String] = []
        for index in 0..<3 {
            slow.append(try await harness.send(Self.email("a\(index)@example.test"), project: "prj_a").id)
        }
        var flowing: [String] = []
        for index in 0..<6 {
            flowing.append(try await harness.send(Self.email("b\(index)@example.test"), project: "prj_b").id)
        }
        let outbox = harness.startOutbox()
        for id in flowing {
            #expect(try await harness.waitFor(id, status: "sent", project: "prj_b", timeout: .seconds(60)).status == "sent")
        }
        var attemptsOnA = 0
        for id in slow {
            let view = try await harness.waitFor(id, status: "failed", project: "prj_a", timeout: .seconds(60))
            #expect(view.status == "failed")
            #expect(view.events.last?.detail?.contains("the relay did not finish within 1.0 s") == true)
            attemptsOnA += view.attempts
        }
        await outbox.stop()

        let received = try smtp.messages()
        let messageIDs = received.map { mail in
            mail.text.split(separator: "\r\n").first { $0.hasPrefix("Message-ID:") }.map(String.init) ?? ""
        }
        #expect(received.count == flowing.count)
        #expect(Set(messageIDs).count == messageIDs.count, "a message of project B was sent twice")
        #expect(stalling.mostOpenAtOnce == 1, "project A held more than its one worker")
        #expect(stalling.accepted <= attemptsOnA, "a connection to A's relay that no recorded attempt accounts for")
        await harness.close()
        await smtp.stop()
    }

    static func email(_ to: String) -> SendEmailRequest {
        SendEmailRequest(to: [to], subject: "Hello", text: "Hi there")
    }
}
