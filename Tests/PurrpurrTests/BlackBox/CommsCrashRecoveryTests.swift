import Contracts
import Foundation
import ServiceKit
import Testing
import Wire
@testable import PurrpurrTestSupport

/// The outbox's promise with real processes: a message `comms.SendEmail` accepted is never lost when the
/// built `comms-service` is killed (SIGKILL) right after answering; after a restart it reaches the SMTP
/// server (aiosmtpd, `Tests/Fixtures/smtp/smtp_server.py`) exactly once.
@Suite("Comms crash recovery (black box)")
struct CommsCrashRecoveryTests {
    static let databaseURL = TestDatabase.serverURL

    @Test("a message accepted just before SIGKILL is delivered exactly once after a restart",
          .enabled(if: databaseURL != nil, "PURRPURR_TEST_DATABASE_URL is not set (run scripts/test)"),
          .timeLimit(.minutes(2)))
    func crashAfterAnswer() async throws {
        let database = try await TestDatabase.create(prefix: "comms_bb")
        let smtp = try await SMTPTestServer.start()
        let mesh = try BlackBoxMesh()
        var environment = try mesh.environment(for: "comms").merging([
            "DATABASE_URL": database.url, "WIRE_PORT": "0", "DRAIN_TIMEOUT_SECONDS": "5", "LOG_LEVEL": "info",
            "SMTP_URL": "smtp://127.0.0.1:\(smtp.port)?tls=none", "COMMS_DEFAULT_FROM": "noreply@purrpurr.test",
            "COMMS_MESSAGE_ID_DOMAIN": "crash.purrpurr.test", "COMMS_POLL_INTERVAL_MS": "100",
        ]) { $1 }

        // 1. Accept (due in 2 s, so the kill surely comes before any attempt), then SIGKILL at once.
        let first = try ChildProcess(["comms-service", "CommsService"], environment: environment)
        let accepted = try await Self.withClient(port: try await Self.wirePort(of: first), mesh: mesh) { client in
            try await client.sendEmail(
                SendEmailRequest(to: ["ana@example.test"], subject: "Crash", text: "Survives", sendAt: Date().addingTimeInterval(2)),
                Self.context)
        }
        first.send(SIGKILL)
        _ = try await first.waitForExit()
        #expect(accepted.status == "queued")

        // 2. Restart: the committed message is sent once.
        environment["WIRE_PORT"] = "0"
        let second = try ChildProcess(["comms-service", "CommsService"], environment: environment)
        let port = try await Self.wirePort(of: second)
        let header = "Message-ID: <\(accepted.id)@crash.purrpurr.test>"
        let deadline = ContinuousClock.now + .seconds(30)
        while try smtp.messages().filter({ $0.text.contains(header) }).isEmpty, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        try await Task.sleep(for: .seconds(1))
        #expect(try smtp.messages().filter { $0.text.contains(header) }.count == 1)
        let view = try await Self.withClient(port: port, mesh: mesh) { client in
            try await client.getMessage(MessageIDRequest(id: accepted.id), Self.context)
        }
        #expect(view.status == "sent")
        #expect(view.events.map(\.status) == ["queued", "sent"])

        second.send(SIGTERM)
        #expect(try await second.waitForExit() == 0)
        #expect(!second.standardError.contains("Survives"))
        await smtp.stop()
        try await database.drop()
    }

    /// A call for the test's project, as the Router makes it.
    static var context: CallContext {
        CallContext(requestID: "crash-test", projectID: "prj_crash", deadline: .now + .seconds(10))
    }

    /// Calls with a `router` client certificate, as the Router does.
    static func withClient<T: Sendable>(
        port: Int, mesh: BlackBoxMesh, _ body: (CommsContract.Client) async throws -> T
    ) async throws -> T {
        let group = try EventLoopGroup(loopCount: 1)
        let client = WireClient(
            service: "comms", endpoints: [WireEndpoint(host: "127.0.0.1", port: port)], tls: try mesh.clientTLS("router"),
            group: group)
        let result: Result<T, any Error>
        do {
            result = .success(try await body(CommsContract.Client(client)))
        } catch {
            result = .failure(error)
        }
        client.close()
        await group.shutdownGracefully()
        return try result.get()
    }

    /// The port from the `wire listening` line, once `started` was logged.
    static func wirePort(of child: ChildProcess) async throws -> Int {
        _ = try #require(try await child.waitForErrorLine(containing: #""msg":"started""#),
                         "no started line; stderr: \(child.standardError)")
        let line = try #require(try await child.waitForErrorLine(containing: #""msg":"wire listening""#, timeout: .seconds(1)))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        return try #require(object["wire.port"] as? Int)
    }
}
