extension SMTPRejection {
    /// The rejection of `recipient` by `reply` (a 4xx or 5xx answer to `RCPT TO`).
    init(recipient: String, reply: SMTPReply) {
        self.init(
            recipient: recipient, reply: reply.text, isPermanent: reply.isPermanent,
            userUnknown: Self.isUserUnknown(reply))
    }

    /// Texts relays use for a mailbox that does not exist (compared in lower case).
    static let userUnknownPhrases = [
        "user unknown", "unknown user", "no such user", "does not exist", "mailbox unavailable",
        "no such mailbox", "user not found",
    ]

    /// True for 550/551/553 with enhanced code 5.1.1 or 5.1.10, or with a text saying the mailbox does not
    /// exist (see ``userUnknownPhrases``).
    static func isUserUnknown(_ reply: SMTPReply) -> Bool {
        guard [550, 551, 553].contains(reply.code) else { return false }
        if let enhanced = reply.enhancedCode, enhanced == "5.1.1" || enhanced == "5.1.10" { return true }
        let text = reply.lines.joined(separator: " ").lowercased()
        return userUnknownPhrases.contains { text.contains($0) }
    }
}
