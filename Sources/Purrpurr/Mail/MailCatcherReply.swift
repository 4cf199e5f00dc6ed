/// One SMTP reply (RFC 5321 §4.2): a three-digit code and one or more lines of text.
///
/// ```swift
/// MailCatcherReply(250, "OK").bytes                       // "250 OK\r\n"
/// MailCatcherReply(250, ["localhost", "PIPELINING"]).bytes // "250-localhost\r\n250 PIPELINING\r\n"
/// ```
struct MailCatcherReply: Equatable, Sendable, CustomStringConvertible {
    /// The reply code, e.g. 250.
    var code: Int
    /// The text lines (at least one; an empty text is sent as the code alone).
    var lines: [String]

    /// A one-line reply.
    init(_ code: Int, _ text: String) {
        self.code = code
        self.lines = [text]
    }

    /// A multi-line reply: every line but the last is sent as `code-text`.
    init(_ code: Int, _ lines: [String]) {
        self.code = code
        self.lines = lines.isEmpty ? [""] : lines
    }

    /// The reply as sent, CRLF after each line.
    var bytes: [UInt8] { Array(description.utf8) }

    /// The reply as sent.
    var description: String {
        var text = ""
        for (index, line) in lines.enumerated() {
            let separator = index == lines.count - 1 ? " " : "-"
            text += line.isEmpty && separator == " " ? "\(code)\r\n" : "\(code)\(separator)\(line)\r\n"
        }
        return text
    }
}
