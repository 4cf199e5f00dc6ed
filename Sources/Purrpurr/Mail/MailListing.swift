#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// How `purrpurr mail` prints caught messages: a block of lines per message for people, one JSON object per
/// line for scripts.
enum MailListing {
    /// The line above the list.
    static func summary(shown: Int, total: Int, directory: String) -> String {
        let count = total == 1 ? "1 message" : "\(total) messages"
        let showing = shown < total ? ", showing the newest \(shown) (--limit N for more)" : ", newest first"
        return "\(count) in \(directory)\(showing). `purrpurr mail show NAME` prints one.\n"
    }

    /// One message for people: time and name, envelope, subject, then each link on its own line.
    static func text(_ mail: CaughtMail) -> String {
        var lines = ["\(mail.date.map(humanDate) ?? "unknown time")  \(mail.name ?? "")"]
        lines.append("  From:    \(sender(of: mail))")
        lines.append("  To:      \(recipients(of: mail).joined(separator: ", "))")
        lines.append("  Subject: \(singleLine(mail.subject))")
        for link in mail.links { lines.append("  Link:    \(link)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One message as a JSON object on one line (keys sorted).
    static func json(_ mail: CaughtMail) -> String {
        let object = Entry(
            name: mail.name ?? "", date: mail.date.map(isoDate), from: sender(of: mail), to: recipients(of: mail),
            subject: mail.subject, links: mail.links)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(object) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// The JSON shape of one message.
    private struct Entry: Encodable {
        var name: String
        var date: String?
        var from: String
        var to: [String]
        var subject: String
        var links: [String]
    }

    /// The envelope sender, else the `From` header (`<>` for the null path).
    static func sender(of mail: CaughtMail) -> String {
        if let envelope = mail.envelopeFrom { return envelope.isEmpty ? "<>" : envelope }
        return mail.from.map(singleLine) ?? ""
    }

    /// The envelope recipients, else the `To` header.
    static func recipients(of mail: CaughtMail) -> [String] {
        if !mail.envelopeTo.isEmpty { return mail.envelopeTo }
        return mail.to.map { [singleLine($0)] } ?? []
    }

    /// `2026-05-01 10:00:00 UTC`.
    static func humanDate(_ date: Date) -> String {
        let (parts, _) = utc(date)
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2)) "
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)) UTC"
    }

    /// `2026-05-01T10:00:00.123Z`.
    static func isoDate(_ date: Date) -> String {
        let (parts, milliseconds) = utc(date)
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(milliseconds), 3))Z"
    }

    private static func utc(_ date: Date) -> (tm, Int) {
        let total = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(total >= 0 ? total / 1000 : (total - 999) / 1000)
        let milliseconds = Int(total - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return (parts, milliseconds)
    }

    private static func pad(_ value: Int32, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(width - text.count, 0)) + text
    }

    /// Control characters (a hostile subject could carry escape sequences) become spaces.
    private static func singleLine(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
    }
}
