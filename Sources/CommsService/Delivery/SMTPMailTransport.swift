import ServiceKit
import Wire

/// The real ``MailTransport``: an ``SMTPClient`` (bounded connections to all relays together) sending to
/// the platform relay (`SMTP_URL`, trusted) or a project's own, which must pass ``ProjectRelayRules``
/// again at every new connection (TLS, port, and the address it resolves to now, connected to as checked).
struct SMTPMailTransport: MailTransport {
    /// The client.
    let client: SMTPClient
    /// The platform relay.
    let platformRelay: SMTPRelay
    /// What a project's relay may be.
    let projectRelays: ProjectRelayRules

    /// Creates a transport over `client`.
    init(client: SMTPClient, platformRelay: SMTPRelay, projectRelays: ProjectRelayRules) {
        self.client = client
        self.platformRelay = platformRelay
        self.projectRelays = projectRelays
    }

    func send(mailFrom: String, recipients: [String], data: [UInt8], relay: Secret<String>?) async -> SMTPOutcome {
        let envelope = SMTPEnvelope(mailFrom: mailFrom, recipients: recipients, data: data)
        guard let relay else { return await client.send(envelope, via: platformRelay) }
        let target: SMTPRelay
        do {
            target = try SMTPRelay(url: relay.value)
        } catch {
            return .permanentFailure(detail: "The project's relay URL is not valid: \(error.description).", rejected: [])
        }
        if let problem = projectRelays.problem(target) {
            return .permanentFailure(detail: "The project's relay is not allowed: \(problem)", rejected: [])
        }
        return await client.send(envelope, via: target, guardedBy: projectRelays.outbound)
    }

    func shutdown() async {
        await client.shutdown()
    }
}
