/// The head: request line, header fields, and the framing they announce.
extension HTTPParser {
    /// How the body of a request is delimited.
    enum Framing: Hashable {
        case none
        case length(Int)
        case chunked
    }

    /// What the header fields said about framing and the connection, gathered while reading them.
    private struct HeadFacts {
        var contentLength: Int?
        var contentLengthCount = 0
        var transferEncodingCount = 0
        var transferEncoding: ArraySlice<UInt8> = []
        var hostCount = 0
        var close = false
        var keepAlive = false
        var expectsContinue = false
    }

    /// Reads a complete head, or returns nil (consuming nothing but empty lines) until it has arrived.
    mutating func readHead() throws(HTTPParserError) -> (HTTPRequest, Framing, Bool)? {
        // RFC 9112 §2.2: skip empty lines before the request line; they count against the head limit.
        while self.readIndex < self.buffer.count {
            let byte = self.buffer[self.readIndex]
            if byte == HTTPSyntax.lf { throw HTTPParserError(.invalidLineEnding) }
            guard byte == HTTPSyntax.cr else { break }
            if self.skippedBeforeHead + 2 > self.limits.maxHeadSize { throw HTTPParserError(.headTooLarge) }
            guard self.readIndex + 1 < self.buffer.count else { return nil }
            guard self.buffer[self.readIndex + 1] == HTTPSyntax.lf else { throw HTTPParserError(.invalidLineEnding) }
            self.readIndex += 2
            self.skippedBeforeHead += 2
        }
        let start = self.readIndex
        guard let end = try self.findSectionEnd(from: start, budget: self.limits.maxHeadSize - self.skippedBeforeHead)
        else { return nil }
        let head = try self.parseHead(self.buffer[start..<end - 2])
        self.readIndex = end
        self.scanIndex = end
        self.skippedBeforeHead = 0
        return head
    }

    /// Looks for the CRLF CRLF ending a section (head or trailers) that starts at `start` with a non-empty
    /// line; returns the index after it, or nil if it has not arrived. Throws on a bare LF or CR, and once
    /// the section reaches `budget` bytes without ending.
    mutating func findSectionEnd(from start: Int, budget: Int) throws(HTTPParserError) -> Int? {
        let (found, scanned) = try Self.scanSectionEnd(self.buffer, start: start, from: self.scanIndex, budget: budget)
        self.scanIndex = scanned
        return found
    }

    /// The scan behind ``findSectionEnd(from:budget:)``, shared with the client's response parser: looks in
    /// `buffer` from `from` (where an earlier scan stopped) for the CRLF CRLF ending the section starting at
    /// `start`. Returns the index after it (or nil) and where to resume.
    static func scanSectionEnd(
        _ buffer: [UInt8], start: Int, from: Int, budget: Int
    ) throws(HTTPParserError) -> (found: Int?, scanned: Int) {
        let from = max(from, start)
        let outcome: (found: Int?, scanned: Int, error: HTTPParserError.Kind?) = buffer.withUnsafeBufferPointer {
            bytes in
            var index = from
            while index < bytes.count {
                if index - start >= budget { return (nil, index, .headTooLarge) }
                let byte = bytes[index]
                if byte == HTTPSyntax.lf {
                    guard index > start, bytes[index - 1] == HTTPSyntax.cr else { return (nil, index, .invalidLineEnding) }
                    if index - start >= 3, bytes[index - 2] == HTTPSyntax.lf { return (index + 1, index, nil) }
                } else if index > start, bytes[index - 1] == HTTPSyntax.cr {
                    return (nil, index, .invalidLineEnding)
                }
                index += 1
            }
            return (nil, index, nil)
        }
        if let kind = outcome.error { throw HTTPParserError(kind) }
        return (outcome.found, outcome.scanned)
    }

    /// Parses the head's lines (`head` excludes the final empty line's CRLF; each line ends in CRLF,
    /// except the last which ends the slice).
    private func parseHead(_ head: ArraySlice<UInt8>) throws(HTTPParserError) -> (HTTPRequest, Framing, Bool) {
        var lines = HTTPLineIterator(head)
        guard let requestLine = lines.next() else { throw HTTPParserError(.invalidRequestLine) }
        let (method, target, version) = try Self.parseRequestLine(requestLine)
        var facts = HeadFacts()
        var fields: [HTTPHeaders.Field] = []
        fields.reserveCapacity(8)
        while let line = lines.next() {
            guard fields.count < self.limits.maxHeaderCount else { throw HTTPParserError(.tooManyHeaders) }
            let (name, value) = try Self.parseField(line)
            try Self.note(name: name, value: value, in: &facts)
            guard let valueText = Self.text(value) else { throw HTTPParserError(.invalidHeader) }
            fields.append(HTTPHeaders.Field(name: String(decoding: name, as: UTF8.self), value: valueText))
        }
        let framing = try self.framing(facts, version: version)
        let keepAlive = version == .http1_1 ? !facts.close : facts.keepAlive && !facts.close
        let request = HTTPRequest(
            method: method, target: target, version: version, headers: HTTPHeaders(fields), body: [],
            keepAlive: keepAlive)
        let expectsContinue = facts.expectsContinue && version == .http1_1 && framing != .none
        return (request, framing, expectsContinue)
    }

    /// `method SP request-target SP HTTP-version`, single spaces.
    private static func parseRequestLine(
        _ line: ArraySlice<UInt8>
    ) throws(HTTPParserError) -> (HTTPMethod, String, HTTPVersion) {
        guard let firstSpace = line.firstIndex(of: HTTPSyntax.space),
            let lastSpace = line.lastIndex(of: HTTPSyntax.space), firstSpace < lastSpace
        else { throw HTTPParserError(.invalidRequestLine) }
        let method = line[line.startIndex..<firstSpace]
        guard !method.isEmpty, method.allSatisfy(HTTPSyntax.isTokenByte) else {
            throw HTTPParserError(.invalidRequestLine)
        }
        let target = line[(firstSpace + 1)..<lastSpace]
        guard !target.isEmpty, target.allSatisfy(HTTPSyntax.isTargetByte) else {
            throw HTTPParserError(.invalidTarget)
        }
        let version = try Self.parseVersion(line[(lastSpace + 1)...])
        return (HTTPMethod(token: method), String(decoding: target, as: UTF8.self), version)
    }

    /// `HTTP/1.1` or `HTTP/1.0`; another `HTTP/d.d` is 505, anything else 400.
    static func parseVersion(_ bytes: ArraySlice<UInt8>) throws(HTTPParserError) -> HTTPVersion {
        guard bytes.count == 8, bytes.prefix(5).elementsEqual("HTTP/".utf8),
            bytes[bytes.startIndex + 6] == UInt8(ascii: "."),
            case let major = bytes[bytes.startIndex + 5], case let minor = bytes[bytes.startIndex + 7],
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(major),
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(minor)
        else { throw HTTPParserError(.invalidRequestLine) }
        switch (major, minor) {
        case (UInt8(ascii: "1"), UInt8(ascii: "1")): return .http1_1
        case (UInt8(ascii: "1"), UInt8(ascii: "0")): return .http1_0
        default: throw HTTPParserError(.unsupportedVersion)
        }
    }

    /// `name ":" OWS value OWS`: a token name right before the colon, a value of allowed bytes (trimmed).
    static func parseField(
        _ line: ArraySlice<UInt8>
    ) throws(HTTPParserError) -> (name: ArraySlice<UInt8>, value: ArraySlice<UInt8>) {
        guard let first = line.first else { throw HTTPParserError(.invalidHeader) }
        if HTTPSyntax.isWhitespace(first) { throw HTTPParserError(.obsoleteLineFolding) }
        guard let colon = line.firstIndex(of: HTTPSyntax.colon) else { throw HTTPParserError(.invalidHeader) }
        let name = line[line.startIndex..<colon]
        guard !name.isEmpty else { throw HTTPParserError(.invalidHeader) }
        guard name.allSatisfy(HTTPSyntax.isTokenByte) else {
            let kind: HTTPParserError.Kind =
                HTTPSyntax.isWhitespace(name.last!) && HTTPSyntax.trimmed(name).allSatisfy(HTTPSyntax.isTokenByte)
                ? .whitespaceBeforeColon : .invalidHeader
            throw HTTPParserError(kind)
        }
        let value = HTTPSyntax.trimmed(line[(colon + 1)...])
        guard value.allSatisfy(HTTPSyntax.isFieldValueByte) else { throw HTTPParserError(.invalidHeader) }
        return (name, value)
    }

    /// A field value as text: ASCII as is, obs-text only if the bytes are valid UTF-8.
    static func text(_ value: ArraySlice<UInt8>) -> String? {
        if value.allSatisfy({ $0 < 0x80 }) { return String(decoding: value, as: UTF8.self) }
        return String(validating: value, as: UTF8.self)
    }

    /// Records what a framing or connection field says.
    private static func note(
        name: ArraySlice<UInt8>, value: ArraySlice<UInt8>, in facts: inout HeadFacts
    ) throws(HTTPParserError) {
        switch name.count {
        case 4 where HTTPSyntax.equalsIgnoringCase(name, "host"):
            facts.hostCount += 1
        case 6 where HTTPSyntax.equalsIgnoringCase(name, "expect"):
            if HTTPSyntax.equalsIgnoringCase(value, "100-continue") { facts.expectsContinue = true }
        case 10 where HTTPSyntax.equalsIgnoringCase(name, "connection"):
            for option in value.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: true) {
                let option = HTTPSyntax.trimmed(option)
                if HTTPSyntax.equalsIgnoringCase(option, "close") { facts.close = true }
                if HTTPSyntax.equalsIgnoringCase(option, "keep-alive") { facts.keepAlive = true }
            }
        case 14 where HTTPSyntax.equalsIgnoringCase(name, "content-length"):
            facts.contentLengthCount += 1
            guard (1...18).contains(value.count), value.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw HTTPParserError(.invalidContentLength)
            }
            facts.contentLength = value.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        case 17 where HTTPSyntax.equalsIgnoringCase(name, "transfer-encoding"):
            facts.transferEncodingCount += 1
            facts.transferEncoding = value
        default:
            break
        }
    }

    /// Decides how the body is delimited, refusing every ambiguous shape.
    private func framing(_ facts: HeadFacts, version: HTTPVersion) throws(HTTPParserError) -> Framing {
        if version == .http1_1, facts.hostCount != 1 { throw HTTPParserError(.invalidHost) }
        if facts.contentLengthCount > 1 { throw HTTPParserError(.duplicateContentLength) }
        if facts.transferEncodingCount > 0 {
            if facts.contentLengthCount > 0 { throw HTTPParserError(.conflictingFraming) }
            if facts.transferEncodingCount > 1 || version != .http1_1 {
                throw HTTPParserError(.invalidTransferEncoding)
            }
            try Self.checkTransferEncoding(facts.transferEncoding)
            return .chunked
        }
        guard let length = facts.contentLength, length > 0 else { return .none }
        if length > self.limits.maxBodySize { throw HTTPParserError(.bodyTooLarge) }
        return .length(length)
    }

    /// Accepts exactly `chunked` (any case). A well-formed list ending in `chunked` is 501 (codings we do
    /// not implement); anything else is 400.
    private static func checkTransferEncoding(_ value: ArraySlice<UInt8>) throws(HTTPParserError) {
        if HTTPSyntax.equalsIgnoringCase(value, "chunked") { return }
        let codings = value.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map(HTTPSyntax.trimmed)
        let wellFormed = codings.allSatisfy { !$0.isEmpty && $0.allSatisfy(HTTPSyntax.isTokenByte) }
        let chunkedCount = codings.filter { HTTPSyntax.equalsIgnoringCase($0, "chunked") }.count
        if wellFormed, codings.count > 1, chunkedCount == 1, HTTPSyntax.equalsIgnoringCase(codings.last!, "chunked") {
            throw HTTPParserError(.unsupportedTransferCoding)
        }
        throw HTTPParserError(.invalidTransferEncoding)
    }
}

/// Splits a validated section (every line ends in CRLF, except the last, which ends the slice) into lines.
struct HTTPLineIterator: IteratorProtocol {
    private let bytes: ArraySlice<UInt8>
    private var position: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.position = bytes.startIndex
    }

    mutating func next() -> ArraySlice<UInt8>? {
        guard self.position < self.bytes.endIndex else { return nil }
        let start = self.position
        guard let cr = self.bytes[start...].firstIndex(of: HTTPSyntax.cr) else {
            self.position = self.bytes.endIndex
            return self.bytes[start...]
        }
        self.position = cr + 2
        return self.bytes[start..<cr]
    }
}
