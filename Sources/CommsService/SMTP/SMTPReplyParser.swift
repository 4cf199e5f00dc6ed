/// Splits the bytes a relay sends into ``SMTPReply`` values: single-line `250 OK` and multi-line
/// `250-first` … `250 last` replies, lines ending in CRLF (a bare LF is tolerated).
///
/// Bounds: a line may hold at most ``maxLineLength`` octets (RFC 5321 §4.5.3.1.5: 512 with CRLF) and a reply
/// at most ``maxLines`` lines, so a hostile server cannot make the client buffer without limit.
///
/// ```swift
/// var parser = SMTPReplyParser()
/// parser.append(bytes)
/// while let reply = try parser.next() { handle(reply) }
/// ```
struct SMTPReplyParser {
    /// Why input was refused; the connection cannot continue after it.
    enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// A line longer than ``SMTPReplyParser/maxLineLength``.
        case lineTooLong
        /// A reply with more than ``SMTPReplyParser/maxLines`` lines.
        case tooManyLines
        /// A line that does not start with a code 200–599 followed by space, `-` or the line end, or a
        /// continuation line with another code.
        case malformedLine

        /// A short text naming the problem (never the received bytes).
        var description: String {
            switch self {
            case .lineTooLong: "SMTP reply line too long"
            case .tooManyLines: "SMTP reply has too many lines"
            case .malformedLine: "malformed SMTP reply line"
            }
        }
    }

    /// Octets per line, CRLF included.
    let maxLineLength: Int
    /// Lines per reply.
    let maxLines: Int
    private var buffer: [UInt8] = []
    private var start = 0
    private var pendingCode: Int?
    private var pendingLines: [String] = []

    /// Creates a parser with the given bounds (defaults: 512 octets per line, 128 lines per reply).
    init(maxLineLength: Int = 512, maxLines: Int = 128) {
        self.maxLineLength = maxLineLength
        self.maxLines = maxLines
    }

    /// Whether bytes of an incomplete reply are buffered.
    var hasBufferedInput: Bool { start < buffer.count || pendingCode != nil }

    /// Appends received bytes.
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// Appends received bytes.
    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// The next complete reply, or nil until more bytes arrive.
    mutating func next() throws(Failure) -> SMTPReply? {
        while true {
            guard let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) else {
                if buffer.count - start > maxLineLength { throw .lineTooLong }
                return nil
            }
            guard newline + 1 - start <= maxLineLength else { throw .lineTooLong }
            var end = newline
            if end > start && buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            let line = buffer[start..<end]
            start = newline + 1
            if let reply = try take(line) { return reply }
        }
    }

    /// One line: returns the reply it completes, if it is the last.
    private mutating func take(_ line: ArraySlice<UInt8>) throws(Failure) -> SMTPReply? {
        guard line.count >= 3 else { throw .malformedLine }
        var code = 0
        for byte in line.prefix(3) {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { throw .malformedLine }
            code = code * 10 + Int(byte - UInt8(ascii: "0"))
        }
        guard (200...599).contains(code) else { throw .malformedLine }
        if let pendingCode, pendingCode != code { throw .malformedLine }
        let separator = line.count > 3 ? line[line.startIndex + 3] : UInt8(ascii: " ")
        guard separator == UInt8(ascii: " ") || separator == UInt8(ascii: "-") else { throw .malformedLine }
        let text = line.count > 4 ? String(decoding: line.dropFirst(4), as: UTF8.self) : ""
        pendingLines.append(text)
        guard pendingLines.count <= maxLines else { throw .tooManyLines }
        if separator == UInt8(ascii: "-") {
            pendingCode = code
            return nil
        }
        let reply = SMTPReply(code: code, lines: pendingLines)
        pendingCode = nil
        pendingLines = []
        return reply
    }
}
