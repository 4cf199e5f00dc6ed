/// One MIME entity (RFC 2045/2046): header fields and a body, which for `multipart/*` holds further entities.
/// Lines may end in CRLF or bare LF.
struct CaughtMailEntity {
    /// The deepest nesting of multiparts followed.
    static let maximumDepth = 16

    /// The header fields, unfolded.
    let headers: [CaughtMail.Header]
    /// The bytes after the blank line that ends the header block.
    let body: ArraySlice<UInt8>

    /// Splits `bytes` into header fields and body. Continuation lines (starting with a space or tab) are
    /// joined to their field; lines that are not fields (no colon) are skipped.
    init(_ bytes: ArraySlice<UInt8>) {
        var headers: [CaughtMail.Header] = []
        var index = bytes.startIndex
        var bodyStart = bytes.endIndex
        while index < bytes.endIndex {
            let newline = bytes[index...].firstIndex(of: 10)
            let lineEnd = newline ?? bytes.endIndex
            var line = bytes[index..<lineEnd]
            if line.last == 13 { line = line.dropLast() }
            index = newline.map { $0 + 1 } ?? bytes.endIndex
            if line.isEmpty {
                bodyStart = index
                break
            }
            let text = String(decoding: line, as: UTF8.self)
            if line.first == 32 || line.first == 9 {
                if !headers.isEmpty { headers[headers.count - 1].value += text }
            } else if let colon = text.firstIndex(of: ":") {
                let name = text[..<colon].trimmingCharacters(in: .whitespaces)
                let value = text[text.index(after: colon)...].drop(while: { $0 == " " || $0 == "\t" })
                headers.append(CaughtMail.Header(name: name, value: String(value)))
            }
        }
        self.headers = headers
        self.body = bytes[bodyStart...]
    }

    /// The raw value of the first field named `name` (case-insensitive).
    func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }

    /// The media type in lower case (`text/plain` when absent) and the parameters (names in lower case).
    var contentType: (type: String, parameters: [String: String]) {
        guard let value = header("Content-Type") else { return ("text/plain", [:]) }
        let fields = Self.splitParameters(value)
        let type = fields.first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        var parameters: [String: String] = [:]
        for field in fields.dropFirst() {
            guard let equals = field.firstIndex(of: "=") else { continue }
            let name = field[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var parameterValue = field[field.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if parameterValue.hasPrefix("\"") && parameterValue.hasSuffix("\"") && parameterValue.count >= 2 {
                parameterValue = String(parameterValue.dropFirst().dropLast())
                    .replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\\\", with: "\\")
            }
            if parameters[name] == nil { parameters[name] = parameterValue }
        }
        return (type.isEmpty || !type.contains("/") ? "text/plain" : type, parameters)
    }

    /// Whether the part is declared an attachment.
    var isAttachment: Bool {
        header("Content-Disposition")?.trimmingCharacters(in: .whitespaces).lowercased().hasPrefix("attachment")
            ?? false
    }

    /// Fills `text` and `html` with the first `text/plain` and `text/html` parts found depth first.
    func collectBodies(text: inout String?, html: inout String?, depth: Int) {
        guard depth <= Self.maximumDepth, !isAttachment else { return }
        let (type, parameters) = contentType
        if type.hasPrefix("multipart/") {
            guard let boundary = parameters["boundary"], !boundary.isEmpty else { return }
            for part in Self.parts(of: body, boundary: boundary) {
                CaughtMailEntity(part).collectBodies(text: &text, html: &html, depth: depth + 1)
            }
        } else if type == "text/plain" && text == nil {
            text = decodedText(charset: parameters["charset"])
        } else if type == "text/html" && html == nil {
            html = decodedText(charset: parameters["charset"])
        }
    }

    /// The body with its transfer encoding undone, in its charset, with LF line ends.
    func decodedText(charset: String?) -> String {
        let encoding = header("Content-Transfer-Encoding")?.trimmingCharacters(in: .whitespaces).lowercased()
        let bytes: [UInt8] =
            switch encoding {
            case "quoted-printable": CaughtMailDecoding.quotedPrintable(body)
            case "base64": CaughtMailDecoding.base64(body)
            default: Array(body)
            }
        return CaughtMailDecoding.string(bytes, charset: charset)
            .replacingOccurrences(of: "\r\n", with: "\n")
    }

    /// The bodies of the parts of a multipart body: between `--boundary` lines, up to `--boundary--`. The
    /// line break before each delimiter belongs to the delimiter (RFC 2046 §5.1.1).
    static func parts(of body: ArraySlice<UInt8>, boundary: String) -> [ArraySlice<UInt8>] {
        let delimiter = Array(("--" + boundary).utf8)
        var parts: [ArraySlice<UInt8>] = []
        var partStart: Int?
        var index = body.startIndex
        while index < body.endIndex {
            let newline = body[index...].firstIndex(of: 10)
            let lineEnd = newline ?? body.endIndex
            let line = body[index..<lineEnd]
            if line.starts(with: delimiter) {
                let rest = line.dropFirst(delimiter.count)
                let isClose = rest.starts(with: [45, 45])  // "--"
                let trailing = isClose ? rest.dropFirst(2) : rest
                if trailing.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) {
                    if let start = partStart {
                        var end = index
                        if end > start && body[end - 1] == 10 { end -= 1 }
                        if end > start && body[end - 1] == 13 { end -= 1 }
                        parts.append(body[start..<max(end, start)])
                    }
                    if isClose { return parts }
                    partStart = newline.map { $0 + 1 } ?? body.endIndex
                }
            }
            index = newline.map { $0 + 1 } ?? body.endIndex
        }
        if let start = partStart, start < body.endIndex { parts.append(body[start...]) }  // unterminated
        return parts
    }

    /// Splits a header value at semicolons outside quoted strings.
    private static func splitParameters(_ value: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        for character in value {
            if escaped {
                escaped = false
            } else if character == "\\" && quoted {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
            } else if character == ";" && !quoted {
                fields.append(current)
                current = ""
                continue
            }
            current.append(character)
        }
        fields.append(current)
        return fields
    }
}
