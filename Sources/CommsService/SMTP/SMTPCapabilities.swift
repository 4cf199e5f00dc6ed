/// What a relay announced in its `EHLO` reply (RFC 5321 §4.1.1.1): one keyword and its parameters per line
/// after the first.
struct SMTPCapabilities: Sendable, Hashable {
    /// `STARTTLS` (RFC 3207).
    var startTLS = false
    /// `PIPELINING` (RFC 2920); noted, not used: commands go one at a time.
    var pipelining = false
    /// `8BITMIME` (RFC 6152): `BODY=8BITMIME` may be sent for 8-bit messages.
    var eightBitMIME = false
    /// `SMTPUTF8` (RFC 6531): addresses may be UTF-8.
    var smtpUTF8 = false
    /// `SIZE` (RFC 1870): the largest message accepted, 0 or nil for no stated limit.
    var maxSize: Int?
    /// `AUTH` mechanisms (upper case), e.g. `PLAIN`, `LOGIN`.
    var authMechanisms: Set<String> = []

    /// No extensions (a relay that answered HELO only).
    init() {}

    /// Parses an `EHLO` reply; unknown keywords are ignored.
    init(ehloReply reply: SMTPReply) {
        for line in reply.lines.dropFirst() {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "=" }).map { $0.uppercased() }
            guard let keyword = words.first else { continue }
            switch keyword {
            case "STARTTLS": startTLS = true
            case "PIPELINING": pipelining = true
            case "8BITMIME": eightBitMIME = true
            case "SMTPUTF8": smtpUTF8 = true
            case "SIZE": maxSize = words.count > 1 ? Int(words[1]) : maxSize
            case "AUTH": authMechanisms.formUnion(words.dropFirst())
            default: break
            }
        }
    }
}
