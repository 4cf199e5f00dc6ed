/// The status line and header fields, and the framing they announce (RFC 9112 §6.3).
extension HTTPResponseParser {
    /// How the body of a response is delimited.
    enum Framing: Hashable {
        case none
        case length(Int)
        case chunked
        case untilClose
    }

    /// Reads a complete head into ``partial`` and returns its framing; nil until it has arrived. An
    /// informational (1xx) head is consumed and skipped.
    mutating func readHead() throws -> Framing? {
        while true {
            let start = readIndex
            let (found, scanned) = try HTTPParser.scanSectionEnd(
                buffer, start: start, from: scanIndex, budget: limits.maxHeadSize)
            scanIndex = scanned
            guard let end = found else { return nil }
            let (response, framing) = try parseHead(buffer[start..<end - 2])
            readIndex = end
            scanIndex = end
            if (100..<200).contains(response.status) {
                guard response.status != 101 else {
                    throw HTTPClientError(.malformedResponse, "switching protocols without an upgrade request")
                }
                continue
            }
            if case .length(let length) = framing, length > limits.maxBodySize {
                throw HTTPClientError(.responseTooLarge, "the response body is too large")
            }
            partial = response
            return framing
        }
    }

    private func parseHead(_ head: ArraySlice<UInt8>) throws -> (HTTPClientResponse, Framing) {
        var lines = HTTPLineIterator(head)
        guard let statusLine = lines.next() else { throw Self.malformed("empty status line") }
        var response = try Self.parseStatusLine(statusLine)
        var fields: [HTTPHeaders.Field] = []
        var lengths: [ArraySlice<UInt8>] = []
        var codings: [ArraySlice<UInt8>] = []
        var close = false
        var keepAlive = false
        while let line = lines.next() {
            guard fields.count < limits.maxHeaderCount else { throw HTTPParserError(.tooManyHeaders) }
            let (name, value) = try HTTPParser.parseField(line)
            if HTTPSyntax.equalsIgnoringCase(name, "content-length") { lengths.append(value) }
            if HTTPSyntax.equalsIgnoringCase(name, "transfer-encoding") { codings.append(value) }
            if HTTPSyntax.equalsIgnoringCase(name, "connection") {
                for option in value.split(separator: UInt8(ascii: ",")).map(HTTPSyntax.trimmed) {
                    if HTTPSyntax.equalsIgnoringCase(option, "close") { close = true }
                    if HTTPSyntax.equalsIgnoringCase(option, "keep-alive") { keepAlive = true }
                }
            }
            guard let text = HTTPParser.text(value) else { throw HTTPParserError(.invalidHeader) }
            fields.append(HTTPHeaders.Field(name: String(decoding: name, as: UTF8.self), value: text))
        }
        response.headers = HTTPHeaders(fields)
        response.keepAlive = response.version == .http1_1 ? !close : keepAlive && !close
        let status = response.status
        if method == .head || status < 200 || status == 204 || status == 304 { return (response, .none) }
        if !codings.isEmpty {
            guard lengths.isEmpty else { throw HTTPParserError(.conflictingFraming) }
            guard codings.count == 1, HTTPSyntax.equalsIgnoringCase(codings[0], "chunked") else {
                throw HTTPParserError(.invalidTransferEncoding)
            }
            return (response, .chunked)
        }
        guard let length = lengths.first else {
            response.keepAlive = false
            return (response, .untilClose)
        }
        guard lengths.count == 1 else { throw HTTPParserError(.duplicateContentLength) }
        guard (1...18).contains(length.count), length.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw HTTPParserError(.invalidContentLength)
        }
        let value = length.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        return (response, value == 0 ? .none : .length(value))
    }

    /// `HTTP/1.x SP 3DIGIT [SP reason-phrase]`.
    private static func parseStatusLine(_ line: ArraySlice<UInt8>) throws -> HTTPClientResponse {
        guard line.count >= 12, line[line.startIndex + 8] == HTTPSyntax.space else {
            throw malformed("malformed status line")
        }
        let version: HTTPVersion
        do {
            version = try HTTPParser.parseVersion(line.prefix(8))
        } catch {
            throw malformed("unsupported or malformed HTTP version")
        }
        let code = line[(line.startIndex + 9)..<(line.startIndex + 12)]
        guard code.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), code.first! != 0x30 else {
            throw malformed("malformed status code")
        }
        let status = code.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        let rest = line[(line.startIndex + 12)...]
        guard rest.isEmpty || rest.first == HTTPSyntax.space, rest.allSatisfy(HTTPSyntax.isFieldValueByte) else {
            throw malformed("malformed reason phrase")
        }
        let reason = String(decoding: rest.dropFirst().filter { $0 < 0x80 }, as: UTF8.self)
        return HTTPClientResponse(status: status, reasonPhrase: reason, version: version)
    }

    private static func malformed(_ why: String) -> HTTPClientError { HTTPClientError(.malformedResponse, why) }
}
