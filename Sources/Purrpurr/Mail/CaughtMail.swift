import Foundation

/// One message the ``MailCatcher`` stored, parsed for people and tests: envelope, subject, the readable text
/// and HTML parts, and every link in them.
///
/// ```swift
/// let mail = try CaughtMail(contentsOf: ".purrpurr/mail/20260101T120000.000-AbCdEfGh.eml")
/// mail.subject        // "Your sign-in link" (RFC 2047 encoded-words decoded)
/// mail.envelopeTo     // ["ana@example.com"]
/// mail.links          // ["https://app.example/auth/magic?token=…"]
/// let newest = try CaughtMail.all(in: ".purrpurr/mail").first
/// ```
///
/// Parsing is forgiving (a development tool reads what it gets): folded headers, `multipart/alternative`
/// nested in `multipart/mixed` (attachments are skipped), quoted-printable / base64 / 7bit / 8bit, UTF-8 and
/// Latin-1 (other charsets: best effort). The first `text/plain` part is ``text``, the first `text/html`
/// part is ``html``; both have LF line ends.
struct CaughtMail: Sendable {
    /// One header field: its name as written and its unfolded raw value.
    struct Header: Sendable, Equatable {
        /// The field name as written, e.g. `Subject`.
        var name: String
        /// The value after the colon, unfolded, encoded-words not decoded.
        var value: String
    }

    /// The file name (with `.eml`) when read from a file.
    let name: String?
    /// When the catcher received it (from the file name), else the `Date` header; nil if neither is readable.
    let date: Date?
    /// The envelope sender (`MAIL FROM`), from `X-Purrpurr-Envelope-From`; empty for the null path `<>`.
    let envelopeFrom: String?
    /// The envelope recipients (`RCPT TO`), from `X-Purrpurr-Envelope-To`.
    let envelopeTo: [String]
    /// Every header field of the message, in order (the catcher's envelope headers included).
    let headers: [Header]
    /// The decoded `Subject`, empty when there is none.
    let subject: String
    /// The first `text/plain` part, decoded; nil when there is none.
    let text: String?
    /// The first `text/html` part, decoded; nil when there is none.
    let html: String?
    /// Every `http(s)` URL in ``text`` and then ``html``, in order, without duplicates (HTML entities such
    /// as `&amp;` decoded).
    let links: [String]

    /// Parses a message (as stored by the catcher, or any RFC 5322 message).
    ///
    /// - Parameter name: the file name, whose timestamp gives ``date``.
    init(bytes: [UInt8], name: String? = nil) {
        let entity = CaughtMailEntity(bytes[...])
        self.name = name
        self.headers = entity.headers
        self.subject = entity.header("Subject").map(CaughtMailDecoding.decodeEncodedWords) ?? ""
        self.envelopeFrom = entity.header(MailCatcherStore.envelopeFromHeader).map(Self.unbracketed)
        self.envelopeTo = (entity.header(MailCatcherStore.envelopeToHeader) ?? "")
            .split(separator: ",").map { Self.unbracketed(String($0)) }.filter { !$0.isEmpty }
        self.date = name.flatMap(MailCatcherStore.date(fromFileName:))
            ?? entity.header("Date").flatMap(CaughtMailDecoding.parseDate)
        var text: String?
        var html: String?
        entity.collectBodies(text: &text, html: &html, depth: 0)
        self.text = text
        self.html = html
        self.links = CaughtMailLinks.links(text: text, html: html)
    }

    /// Reads and parses the file at `path`.
    init(contentsOf path: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        self.init(bytes: [UInt8](data), name: (path as NSString).lastPathComponent)
    }

    /// The value of the first header field named `name` (case-insensitive), unfolded, encoded-words decoded.
    func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }.map { CaughtMailDecoding.decodeEncodedWords($0.value) }
    }

    /// The `From` header, decoded.
    var from: String? { header("From") }

    /// The `To` header, decoded.
    var to: String? { header("To") }

    /// Every `.eml` file in `directory`, newest first (by the arrival time in the name, else the file's
    /// modification time; then by name). A missing folder holds no mail.
    static func all(in directory: String) throws -> [CaughtMail] {
        try files(in: directory).map { try CaughtMail(contentsOf: directory + "/" + $0) }
    }

    /// The newest message in `directory` (to `recipient`, an envelope recipient compared case-insensitively,
    /// when given), or nil. For tests that wait for a magic link:
    ///
    /// ```swift
    /// let link = try CaughtMail.newest(in: mailDirectory, to: "ana@example.com")?.links.first
    /// ```
    static func newest(in directory: String, to recipient: String? = nil) throws -> CaughtMail? {
        for name in try files(in: directory) {
            let mail = try CaughtMail(contentsOf: directory + "/" + name)
            guard let recipient else { return mail }
            if mail.envelopeTo.contains(where: { $0.lowercased() == recipient.lowercased() }) { return mail }
        }
        return nil
    }

    /// The names of the `.eml` files in `directory`, newest first; hidden files (the catcher's temporary
    /// files) are skipped. A missing folder gives an empty list.
    static func files(in directory: String) throws -> [String] {
        let manager = FileManager.default
        guard manager.fileExists(atPath: directory) else { return [] }
        let names = try manager.contentsOfDirectory(atPath: directory)
            .filter { $0.hasSuffix(".eml") && !$0.hasPrefix(".") }
        let dated = names.map { name -> (String, Date) in
            let date = MailCatcherStore.date(fromFileName: name)
                ?? ((try? manager.attributesOfItem(atPath: directory + "/" + name))?[.modificationDate] as? Date)
                ?? .distantPast
            return (name, date)
        }
        return dated.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 > $1.0 }.map(\.0)
    }

    /// `<a@b>` → `a@b`, trimmed.
    private static func unbracketed(_ text: String) -> String {
        var value = text.trimmingCharacters(in: .whitespaces)
        if value.hasPrefix("<") && value.hasSuffix(">") && value.count >= 2 {
            value = String(value.dropFirst().dropLast())
        }
        return value
    }
}
