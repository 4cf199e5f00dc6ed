extension SMTPSession {
    /// What one transaction did: the outcome, and whether the session may carry another message.
    struct TransactionResult: Sendable {
        var outcome: SMTPOutcome
        var reusable: Bool
    }

    /// `RSET`, before reusing an idle session: true if the relay answered 250 in time.
    func reset() async -> Bool {
        guard isUsable else { return false }
        let reply = try? await connection.command(
            "RSET", timeout: configuration.commandTimeout, step: "the reply to RSET")
        return reply?.code == 250 && isUsable
    }

    /// `MAIL FROM`, `RCPT TO` for each recipient, `DATA` and the message (CRLF-normalised, dot-stuffed).
    ///
    /// - Every recipient refused: temporary if any refusal was 4xx, else permanent with the rejections.
    /// - Some accepted: the message goes to them; `.delivered` lists the others as rejected.
    /// - 5xx to `MAIL FROM` or to the message: permanent; 4xx: temporary.
    /// - A timeout, a lost connection or a `421`: temporary, and the session is not reused.
    func deliver(_ envelope: SMTPEnvelope) async -> TransactionResult {
        do {
            return try await transaction(envelope)
        } catch {
            close()
            return TransactionResult(outcome: .temporaryFailure(detail: error.description), reusable: false)
        }
    }

    private func transaction(_ envelope: SMTPEnvelope) async throws(SMTPTransportError) -> TransactionResult {
        let timeout = configuration.commandTimeout
        var parameters = ""
        if let maxSize = capabilities.maxSize, maxSize > 0 {
            if envelope.data.count > maxSize {
                return finished(.permanentFailure(
                    detail: "message of \(envelope.data.count) bytes exceeds the relay's limit of \(maxSize)",
                    rejected: []))
            }
            parameters += " SIZE=\(envelope.data.count)"
        }
        if capabilities.eightBitMIME, SMTPDataEncoder.hasEightBitData(envelope.data) { parameters += " BODY=8BITMIME" }
        let addresses = [envelope.mailFrom] + envelope.recipients
        if addresses.contains(where: { $0.unicodeScalars.contains { !$0.isASCII } }) {
            guard capabilities.smtpUTF8 else {
                return finished(.permanentFailure(
                    detail: "relay does not support SMTPUTF8 (needed for a non-ASCII address)", rejected: []))
            }
            parameters += " SMTPUTF8"
        }

        let mail = try await connection.command(
            "MAIL FROM:<\(envelope.mailFrom)>\(parameters)", timeout: timeout, step: "the reply to MAIL FROM")
        if let failure = refusal(of: "MAIL FROM", mail, rejected: []) { return failure }

        var accepted = 0
        var rejected: [SMTPRejection] = []
        for recipient in envelope.recipients {
            let reply = try await connection.command(
                "RCPT TO:<\(recipient)>", timeout: timeout, step: "the reply to RCPT TO")
            if reply.code == 421 { return broken(reply) }
            if reply.isPositive {
                accepted += 1
            } else {
                rejected.append(SMTPRejection(recipient: recipient, reply: reply))
            }
        }
        if accepted == 0 {
            let detail = rejected.first.map { "every recipient refused: \($0.reply)" } ?? "no recipients"
            if rejected.contains(where: { !$0.isPermanent }) {
                let transient = rejected.first { !$0.isPermanent }!
                return finished(.temporaryFailure(detail: "every recipient refused: \(transient.reply)"))
            }
            return finished(.permanentFailure(detail: detail, rejected: rejected))
        }

        let data = try await connection.command("DATA", timeout: timeout, step: "the reply to DATA")
        guard data.code == 354 else {
            return refusal(of: "DATA", data, rejected: rejected)
                ?? finished(.temporaryFailure(detail: "DATA refused: \(data.text)"))
        }
        let final = try await connection.exchange(
            SMTPDataEncoder.encode(envelope.data), timeout: configuration.dataTimeout,
            step: "the reply to the message data")
        if let failure = refusal(of: "message", final, rejected: rejected) { return failure }
        return finished(.delivered(reply: final.text, rejected: rejected))
    }

    /// Nil for a 2xx reply; else the outcome for a refused step (421 also retires the session).
    private func refusal(of what: String, _ reply: SMTPReply, rejected: [SMTPRejection]) -> TransactionResult? {
        if reply.isPositive { return nil }
        if reply.code == 421 { return broken(reply) }
        let detail = "\(what) refused: \(reply.text)"
        if reply.isPermanent { return finished(.permanentFailure(detail: detail, rejected: rejected)) }
        return finished(.temporaryFailure(detail: detail))
    }

    /// The relay is closing (421): temporary, and the session is closed.
    private func broken(_ reply: SMTPReply) -> TransactionResult {
        close()
        return TransactionResult(outcome: .temporaryFailure(detail: reply.text), reusable: false)
    }

    private func finished(_ outcome: SMTPOutcome) -> TransactionResult {
        TransactionResult(outcome: outcome, reusable: isUsable)
    }
}
