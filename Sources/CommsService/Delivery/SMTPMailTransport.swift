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

    func send(mailFrom: String, recipients: [String], data: [UInt8], relay: Secret<String>?) async -> DeliveryOutcome {
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
        let outcome = await client.send(SMTPEnvelope(mailFrom: mailFrom, recipients: recipients, data: data), via: target)
        switch outcome {
        case .delivered(let reply, let rejected):
            return .delivered(reply: reply, rejected: rejected.map(Self.rejection))
        case .temporaryFailure(let detail):
            return .temporaryFailure(detail: detail)
        case .permanentFailure(let detail, let rejected):
            return .permanentFailure(detail: detail, rejected: rejected.map(Self.rejection))
        }
    }

    func shutdown() async {
        await client.shutdown()
    }

    private static func rejection(_ rejection: SMTPRejection) -> DeliveryRejection {
        DeliveryRejection(
            recipient: rejection.recipient, reply: rejection.reply, isPermanent: rejection.isPermanent,
            userUnknown: rejection.userUnknown)
    }
}
