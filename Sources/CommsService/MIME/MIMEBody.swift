/// The MIME body of a message: one part for text only or html only, `multipart/alternative` (text first, then
/// html) for both. Each part's transfer encoding is chosen by ``MIMETransferEncoding/choose(for:)``.
struct MIMEBody {
    /// The top-level content headers (`Content-Type`, and `Content-Transfer-Encoding` for a single part).
    var headers: [(String, String)]
    /// The body bytes after the blank line, ending with CRLF.
    var content: [UInt8]

    /// The body for `text` and/or `html` (at least one must be present; with neither, an empty text part).
    static func make(text: String?, html: String?) -> MIMEBody {
        let parts = [
            text.map { MIMEEncodedPart(contentType: "text/plain; charset=utf-8", text: $0) },
            html.map { MIMEEncodedPart(contentType: "text/html; charset=utf-8", text: $0) },
        ].compactMap { $0 }
        guard parts.count > 1 else {
            let part = parts.first ?? MIMEEncodedPart(contentType: "text/plain; charset=utf-8", text: "")
            var content = part.content
            if !content.mimeEndsWithCRLF { content += [13, 10] }
            return MIMEBody(
                headers: [("Content-Type", part.contentType), ("Content-Transfer-Encoding", part.encoding.rawValue)],
                content: content)
        }
        let boundary = chooseBoundary(notIn: parts)
        var content: [UInt8] = []
        for part in parts {
            content += Array("--\(boundary)\r\n".utf8)
            content += Array("Content-Type: \(part.contentType)\r\n".utf8)
            content += Array("Content-Transfer-Encoding: \(part.encoding.rawValue)\r\n\r\n".utf8)
            content += part.content
            content += Array("\r\n".utf8)
        }
        content += Array("--\(boundary)--\r\n".utf8)
        return MIMEBody(
            headers: [("Content-Type", "multipart/alternative; boundary=\"\(boundary)\"")], content: content)
    }

    /// A random boundary (`=_pp_` and 24 hex digits) that occurs in none of the parts. The `=_` prefix cannot
    /// appear in quoted-printable or base64 output at all; 7bit parts are searched, and a clash draws again.
    static func chooseBoundary(notIn parts: [MIMEEncodedPart], makeRandom: () -> String = randomToken) -> String {
        while true {
            let boundary = "=_pp_" + makeRandom()
            let needle = Array(boundary.utf8)
            if !parts.contains(where: { $0.content.mimeContains(needle) }) { return boundary }
        }
    }

    /// 24 random hex digits.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<3).map { _ in
            let hex = String(generator.next() as UInt32, radix: 16)
            return String(repeating: "0", count: 8 - hex.count) + hex
        }.joined()
    }
}

/// One body part, its line ends normalised to CRLF and encoded for transport.
struct MIMEEncodedPart {
    /// The part's `Content-Type` value.
    var contentType: String
    /// The chosen transfer encoding.
    var encoding: MIMETransferEncoding
    /// The encoded bytes (CRLF line ends, every line ≤ 998 octets; 76 for quoted-printable and base64).
    var content: [UInt8]

    /// Normalises `text`'s line ends and encodes it.
    init(contentType: String, text: String) {
        let normalized = MIMETransferEncoding.normalizeLineEnds(Array(text.utf8))
        self.contentType = contentType
        self.encoding = MIMETransferEncoding.choose(for: normalized)
        self.content = encoding.encode(normalized)
    }
}

extension Array where Element == UInt8 {
    /// Whether the bytes end with CR LF.
    var mimeEndsWithCRLF: Bool { count >= 2 && self[count - 2] == 13 && self[count - 1] == 10 }

    /// Whether `needle` occurs in the bytes.
    func mimeContains(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return needle.isEmpty }
        for start in 0...(count - needle.count) where self[start] == needle[0] {
            if self[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}
