import ServiceKit
import Wire

/// The real ``MailTransport``: an ``SMTPClient`` (bounded connections to all relays together) sending to
/// the platform relay (`SMTP_URL`) or a project's own.
struct SMTPMailTransport: MailTransport {
    /// The client.
    let client: SMTPClient
    /// The platform relay.
    let platformRelay: SMTPRelay

    /// Creates a transport over `client`.
    init(client: SMTPClient, platformRelay: SMTPRelay) {
        self.client = client
        self.platformRelay = platformRelay
    }

    func send(mailFrom: String, recipients: [String], data: [UInt8], relay: Secret<String>?) async -> SMTPOutcome {
        let target: SMTPRelay
        if let relay {
            do {
                target = try SMTPRelay(url: relay.value)
            } catch {
                return .permanentFailure(detail: "The project's relay URL is not valid: \(error.description).", rejected: [])
            }
        } else {
            target = platformRelay
        }
        return await client.send(SMTPEnvelope(mailFrom: mailFrom, recipients: recipients, data: data), via: target)
    }

    func shutdown() async {
        await client.shutdown()
    }
}
