/// Chunked bodies (RFC 9112 §7.1): size lines, and the trailer section, which is read and dropped.
extension HTTPParser {
    /// Reads a chunk-size line; false until it has arrived. Sets the next state: chunk data, or trailers
    /// after the last (zero) chunk.
    mutating func readChunkSize() throws(HTTPParserError) -> Bool {
        let start = self.readIndex
        let (lineEnd, scanned) = try Self.scanLineEnd(self.buffer, start: start, from: self.scanIndex)
        self.scanIndex = scanned
        guard let lineEnd else { return false }
        let size = try Self.chunkSize(self.buffer[start..<lineEnd])
        self.readIndex = lineEnd + 2
        self.scanIndex = self.readIndex
        if size == 0 {
            self.state = .trailers
            return true
        }
        guard size <= self.limits.maxBodySize - self.partial!.body.count else { throw HTTPParserError(.bodyTooLarge) }
        self.state = .chunkData(remaining: size)
        return true
    }

    /// The size a chunk-size line announces (`1*HEXDIG [ BWS ";" extensions ]`, extensions checked and
    /// ignored). Shared with the client's response parser.
    static func chunkSize(_ line: ArraySlice<UInt8>) throws(HTTPParserError) -> Int {
        var index = line.startIndex
        var size = 0
        while index < line.endIndex, let digit = HTTPSyntax.hexValue(line[index]) {
            // 15 hex digits stay below 2^60: no overflow, and far beyond any body limit.
            guard index - line.startIndex < 15 else { throw HTTPParserError(.invalidChunkSize) }
            size = size << 4 | digit
            index += 1
        }
        guard index > line.startIndex else { throw HTTPParserError(.invalidChunkSize) }
        try Self.checkChunkExtensions(line[index...])
        return size
    }

    /// After the size: nothing, or `BWS ";" ...` with no control byte but tab (the extensions are ignored).
    private static func checkChunkExtensions(_ rest: ArraySlice<UInt8>) throws(HTTPParserError) {
        guard !rest.isEmpty else { return }
        guard let semicolon = rest.firstIndex(where: { !HTTPSyntax.isWhitespace($0) }),
            rest[semicolon] == UInt8(ascii: ";"),
            rest[(semicolon + 1)...].allSatisfy(HTTPSyntax.isFieldValueByte)
        else { throw HTTPParserError(.invalidChunkSize) }
    }

    /// Looks in `buffer` from `from` for the CRLF ending the chunk-size line that starts at `start`: returns
    /// the index of its CR (or nil if it has not arrived) and where to resume. A bare CR or LF, or a line
    /// reaching ``maxChunkLineLength``, is an invalid chunk size. Shared with the client's response parser.
    static func scanLineEnd(
        _ buffer: [UInt8], start: Int, from: Int
    ) throws(HTTPParserError) -> (found: Int?, scanned: Int) {
        var index = max(from, start)
        while index < buffer.count {
            if index - start >= Self.maxChunkLineLength { throw HTTPParserError(.invalidChunkSize) }
            let byte = buffer[index]
            if byte == HTTPSyntax.lf {
                guard index > start, buffer[index - 1] == HTTPSyntax.cr else { throw HTTPParserError(.invalidChunkSize) }
                return (index - 1, index)
            } else if index > start, buffer[index - 1] == HTTPSyntax.cr {
                throw HTTPParserError(.invalidChunkSize)
            }
            index += 1
        }
        return (nil, index)
    }

    /// Reads the trailer section after the last chunk (an empty line, or fields then an empty line), checks
    /// each field's syntax and drops it; false until it has arrived.
    mutating func readTrailers() throws(HTTPParserError) -> Bool {
        let (end, scanned) = try Self.scanTrailers(
            self.buffer, start: self.readIndex, from: self.scanIndex, maxSize: self.limits.maxHeadSize,
            maxCount: self.limits.maxHeaderCount)
        self.scanIndex = scanned
        guard let end else { return false }
        self.readIndex = end
        return true
    }

    /// The scan behind ``readTrailers()``, shared with the client's response parser: the index after the
    /// trailer section starting at `start` (nil until it has arrived) and where to resume.
    static func scanTrailers(
        _ buffer: [UInt8], start: Int, from: Int, maxSize: Int, maxCount: Int
    ) throws(HTTPParserError) -> (end: Int?, scanned: Int) {
        guard start < buffer.count else { return (nil, from) }
        if buffer[start] == HTTPSyntax.cr {
            guard start + 1 < buffer.count else { return (nil, from) }
            guard buffer[start + 1] == HTTPSyntax.lf else { throw HTTPParserError(.invalidLineEnding) }
            return (start + 2, start + 2)
        }
        if buffer[start] == HTTPSyntax.lf { throw HTTPParserError(.invalidLineEnding) }
        let (found, scanned) = try Self.scanSectionEnd(buffer, start: start, from: from, budget: maxSize)
        guard let end = found else { return (nil, scanned) }
        var lines = HTTPLineIterator(buffer[start..<end - 2])
        var count = 0
        while let line = lines.next() {
            count += 1
            guard count <= maxCount else { throw HTTPParserError(.tooManyHeaders) }
            _ = try Self.parseField(line)
        }
        return (end, end)
    }
}
