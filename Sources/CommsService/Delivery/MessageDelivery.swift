import ServiceKit

extension LogKey {
    /// A comms message id.
    static let messageID = LogKey("message.id")
    /// The attempt number of a delivery.
    static let attempt = LogKey("message.attempt")
    /// What a delivery attempt ended as (`sent`, `retry`, `failed`, `suppressed`).
    static let outcome = LogKey("message.outcome")
}

/// One delivery attempt of a claimed message: re-checks the suppression list, picks the relay (the
/// project's own, else the platform's), takes a slot of that relay (``SendSlots``), sends through the
/// ``MailTransport`` within ``sendTimeout`` and records the outcome as an event whose detail is the
/// server's reply (never the body).
struct MessageDelivery: Sendable {
    /// The tables.
    let store: CommsStore
    /// The SMTP side.
    let transport: any MailTransport
    /// Opens projects' sealed relays.
    let sealer: RelaySealer
    /// When to retry.
    let schedule: RetrySchedule
    /// Where outcomes are logged (ids and codes only).
    let logger: Logger
    /// In-flight caps per project and per relay.
    let slots: SendSlots
    /// The deadline of one send, everything included (well inside the lease).
    let sendTimeout: Duration

    /// Attempts `message` and records what happened. Throws only database errors (the lease then expires
    /// and the message is tried again).
    func deliver(_ message: ClaimedMessage) async throws {
        let suppressed = message.suppressed  // read by the claim, just now
        let recipients = message.recipients.filter { !suppressed.contains($0.lowercased()) }
        guard !recipients.isEmpty else {
            try await store.complete(message, status: "suppressed", detail: "Every recipient is on the suppression list.")
            log(message, "suppressed")
            return
        }
        let skipped = suppressed.isEmpty ? "" : " Skipped (suppressed): \(suppressed.sorted().joined(separator: ", "))."
        let outcome: SMTPOutcome
        do {
            let relay = try await relay(projectID: message.projectID)
            let relayKey = relay.flatMap(Self.relayKey)
            if let relayKey, !slots.enter(relay: relayKey) {
                try await store.putBack(message, after: Self.relayBusyDelay)
                log(message, "relay_busy")
                return
            }
            defer { if let relayKey { slots.leave(relay: relayKey) } }
            outcome = await send(
                mailFrom: message.mailFrom, recipients: recipients, data: message.body, relay: relay)
        } catch is CryptoError {
            outcome = .temporaryFailure(detail: "The project's relay credentials cannot be opened with the master key.")
        }
        switch outcome {
        case .delivered(let reply, let rejected):
            try await store.complete(
                message, status: "sent", detail: Self.clip(reply + Self.describe(rejected) + skipped),
                suppress: Self.unknownUsers(rejected))
            log(message, "sent")
        case .permanentFailure(let detail, let rejected):
            try await store.complete(
                message, status: "failed", detail: Self.clip(detail + Self.describe(rejected) + skipped),
                suppress: Self.unknownUsers(rejected))
            log(message, "failed")
        case .temporaryFailure(let detail):
            if let delay = schedule.delay(afterAttempt: message.attempts) {
                let seconds = Double(delay.wholeMilliseconds) / 1000
                let text = "Attempt \(message.attempts) failed temporarily: \(detail) Next attempt in \(Self.format(seconds)) s."
                try await store.retry(message, after: delay, detail: Self.clip(text))
                log(message, "retry")
            } else {
                let text = "Attempt \(message.attempts) failed temporarily: \(detail) Giving up after \(message.attempts) attempts."
                try await store.complete(message, status: "failed", detail: Self.clip(text))
                log(message, "failed")
            }
        }
    }

    /// The project's own relay URL, or nil for the platform's.
    private func relay(projectID: String) async throws -> Secret<String>? {
        guard let sealed = try await store.settings(projectID: projectID).relaySealed else { return nil }
        return try sealer.open(sealed, projectID: projectID)
    }

    private func log(_ message: ClaimedMessage, _ outcome: String) {
        logger.info("email attempt", metadata: [
            .messageID: .string(message.id), .projectID: .string(message.projectID),
            .attempt: .int(message.attempts), .outcome: .string(outcome),
        ])
    }

    private static func unknownUsers(_ rejected: [SMTPRejection]) -> [SuppressionEntry] {
        rejected.filter(\.userUnknown).map { SuppressionEntry(email: $0.recipient, reason: "user_unknown") }
    }

    private static func describe(_ rejected: [SMTPRejection]) -> String {
        rejected.isEmpty ? "" : " Rejected: " + rejected.map { "\($0.recipient): \($0.reply)" }.joined(separator: "; ") + "."
    }

    private static func clip(_ text: String) -> String {
        text.count <= 2000 ? text : String(text.prefix(1997)) + "..."
    }

    static func format(_ seconds: Double) -> String {
        seconds >= 10 ? String(Int(seconds.rounded())) : String((seconds * 10).rounded() / 10)
    }
}
