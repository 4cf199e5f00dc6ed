import Contracts
import Wire

/// A ``LinkMailer`` that commits the email to CommsService's outbox with `comms.SendTemplatedEmail`
/// (the project's own template of that name, else Comms's built-in one).
///
/// ```swift
/// let mailer = CommsLinkMailer(comms: CommsContract.Client(commsWireClient))
/// ```
struct CommsLinkMailer: LinkMailer {
    /// The CommsService client.
    let comms: CommsContract.Client

    /// Wraps a Comms client.
    init(comms: CommsContract.Client) {
        self.comms = comms
    }

    /// Calls `comms.SendTemplatedEmail` for the context's project; errors (e.g. Comms unreachable) propagate.
    func send(
        template: String, to: String, data: [String: String], idempotencyKey: String, context: CallContext
    ) async throws {
        let request = SendTemplatedEmailRequest(template: template, to: [to], data: data, idempotencyKey: idempotencyKey)
        _ = try await comms.sendTemplatedEmail(request, context)
    }
}
