import Contracts
import Foundation
import ServiceKit
import Synchronization
import Testing
import Wire
@testable import CommsService

/// A project's own relay: refused when saved (scheme, TLS, port, address) and again when the outbox
/// connects; refusals name the rule, never an address or what a host answered.
@Suite("Project relay rules (PostgreSQL)", .enabled(if: CommsHarness.databaseURL != nil, CommsHarness.disabledReason))
struct ProjectRelayRulesTests {
    /// A DNS stand-in the test can change between save and send (rebinding); never touches the network.
    final class FakeDNS: Sendable {
        private let table = Mutex<[String: [String]]>([:])
        func set(_ host: String, _ addresses: [String]) { table.withLock { $0[host] = addresses } }
        func resolve(_ host: String, _ port: Int) throws -> [SocketAddress] {
            if let numeric = try? SocketAddress(ipAddress: host, port: port) { return [numeric] }
            guard let addresses = table.withLock({ $0[host] }) else { throw TCPError.resolutionFailed(host: host, code: -2) }
            return try addresses.map { try SocketAddress(ipAddress: $0, port: port) }
        }
    }

    static func guardWith(_ dns: FakeDNS, allowPrivate: Bool = false, ports: Set<Int> = OutboundPolicy.smtpRelayPorts) -> OutboundGuard {
        OutboundGuard(policy: OutboundPolicy(allowedPorts: ports, allowsPrivateNetworks: allowPrivate)) { host, port in
            try dns.resolve(host, port)
        }
    }

    @Test("refused when saved, 400 smtp_url, nothing stored", arguments: [
        "smtp://relay.example.test:587?tls=none", "smtp://relay.example.test:22", "http://relay.example.test",
        "smtp://relay.example.test:8025", "smtp://localhost:587", "smtp://127.0.0.1:25", "smtp://[::1]:587",
        "smtp://[::ffff:127.0.0.1]:587", "smtps://169.254.169.254", "smtp://10.0.0.8:2525", "smtp://100.64.1.1:587",
        "smtp://0.0.0.0:587", "smtp://[fd00:ec2::254]:587", "smtp://internal.example.test:587",
    ])
    func refusedAtSave(url: String) async throws {
        let dns = FakeDNS()
        dns.set("internal.example.test", ["93.184.216.34", "192.168.0.10"])
        dns.set("localhost", ["127.0.0.1"])
        let harness = try await CommsHarness(transport: ScriptedTransport(), relayGuard: Self.guardWith(dns))
        let error = await CommsHandlersTests.failure {
            _ = try await harness.handlers.updateSettings(UpdateCommsSettingsRequest(smtpURL: url), projectID: CommsHarness.project)
        }
        #expect(error?.code == .validationFailed)
        #expect(error?.field == "smtp_url")
        #expect(error?.message.contains("192.168") == false)
        #expect(try await harness.store.settings(projectID: CommsHarness.project).relaySealed == nil)
        await harness.close()
    }

    @Test("accepted when saved: a public address, or a name that does not resolve yet")
    func acceptedAtSave() async throws {
        let dns = FakeDNS()
        dns.set("smtp.example.test", ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"])
        let harness = try await CommsHarness(transport: ScriptedTransport(), relayGuard: Self.guardWith(dns))
        for url in ["smtp://u:p@smtp.example.test:587", "smtps://u:p@smtp.example.test", "smtp://93.184.216.34:2525",
                    "smtp://not-yet.example.test:25?tls=starttls"] {
            let view = try await harness.handlers.updateSettings(UpdateCommsSettingsRequest(smtpURL: url), projectID: CommsHarness.project)
            #expect(view.smtpURL != nil)
        }
        await harness.close()
    }

    @Test("DNS rebound to an internal address after saving: the send fails for good, nothing connects there")
    func reboundAtConnect() async throws {
        let dns = FakeDNS()
        dns.set("relay.example.test", ["93.184.216.34"])
        var smtp = SMTPClientConfiguration()
        smtp.connectTimeout = .seconds(2)
        let harness = try await CommsHarness(smtp: smtp, relayGuard: Self.guardWith(dns, ports: [587]))
        _ = try await harness.handlers.updateSettings(
            UpdateCommsSettingsRequest(smtpURL: "smtp://relay.example.test:587"), projectID: CommsHarness.project)
        dns.set("relay.example.test", ["127.0.0.1"])
        let outbox = harness.startOutbox()
        let accepted = try await harness.send(SendEmailRequest(to: ["ana@example.test"], subject: "Hi", text: "Hi"))
        let view = try await harness.waitFor(accepted.id, status: "failed")
        #expect(view.status == "failed")
        #expect(view.events.last?.detail == "the relay's address is not allowed")
        await outbox.stop()
        await harness.close()
    }

    @Test("a connect failure reaches the project as 'could not connect to the relay', with no cause")
    func connectFailureWithoutCause() async throws {
        // A loopback port nobody listens on (the platform allows private targets here, as `purrpurr up` does).
        let port = try Self.closedLoopbackPort()
        let dns = FakeDNS()
        let harness = try await CommsHarness(
            environment: ["COMMS_RETRY_SCHEDULE": "50ms"], smtp: SMTPClientConfiguration(),
            relayGuard: Self.guardWith(dns, allowPrivate: true, ports: [port]))
        _ = try await harness.handlers.updateSettings(
            UpdateCommsSettingsRequest(smtpURL: "smtp://127.0.0.1:\(port)"), projectID: CommsHarness.project)
        let outbox = harness.startOutbox()
        let accepted = try await harness.send(SendEmailRequest(to: ["ana@example.test"], subject: "Hi", text: "Hi"))
        let view = try await harness.waitFor(accepted.id, status: "failed")
        #expect(view.status == "failed")
        let details = view.events.compactMap(\.detail).joined(separator: " | ")
        #expect(details.contains("could not connect to the relay"))
        #expect(!details.contains("refused") && !details.contains("errno") && !details.contains("127.0.0.1"))
        await outbox.stop()
        await harness.close()
    }

    @Test("a relay stored before the rules (tls=none) is refused at send time, never connected")
    func storedBeforeRules() async throws {
        let harness = try await CommsHarness(smtp: SMTPClientConfiguration(), relayGuard: Self.guardWith(FakeDNS(), allowPrivate: true))
        var settings = try await harness.store.settings(projectID: CommsHarness.project)
        settings.relaySealed = try RelaySealer(key: harness.config.masterKey)
            .seal("smtp://127.0.0.1:2525?tls=none", projectID: CommsHarness.project)
        try await harness.store.saveSettings(settings, projectID: CommsHarness.project)
        let outbox = harness.startOutbox()
        let accepted = try await harness.send(SendEmailRequest(to: ["ana@example.test"], subject: "Hi", text: "Hi"))
        let view = try await harness.waitFor(accepted.id, status: "failed")
        #expect(view.events.last?.detail?.contains("must use TLS") == true)
        await outbox.stop()
        await harness.close()
    }

    /// A port on 127.0.0.1 that was free a moment ago (bound, then closed).
    static func closedLoopbackPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
