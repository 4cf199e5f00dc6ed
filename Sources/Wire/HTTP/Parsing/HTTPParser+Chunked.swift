/// Chunked bodies (RFC 9112 §7.1): size lines, and the trailer section, which is read and dropped.
extension HTTPParser {
    /// Reads a chunk-size line; false until it has arrived. Sets the next state: chunk data, or trailers
    /// after the last (zero) chunk.
    mutating func readChunkSize() throws(HTTPParserError) -> Bool {
        let start = self.readIndex
        guard let lineEnd = try self.findLineEnd(from: start) else { return false }
        let line = self.buffer[start..<lineEnd]
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

    /// After the size: nothing, or `BWS ";" ...` with no control byte but tab (the extensions are ignored).
    private static func checkChunkExtensions(_ rest: ArraySlice<UInt8>) throws(HTTPParserError) {
        guard !rest.isEmpty else { return }
        guard let semicolon = rest.firstIndex(where: { !HTTPSyntax.isWhitespace($0) }),
            rest[semicolon] == UInt8(ascii: ";"),
            rest[(semicolon + 1)...].allSatisfy(HTTPSyntax.isFieldValueByte)
        else { throw HTTPParserError(.invalidChunkSize) }
    }

    /// The index of the CR of the CRLF ending the line that starts at `start`, or nil if it has not
    /// arrived. A bare CR or LF, or a line reaching ``maxChunkLineLength``, is an invalid chunk size.
    private mutating func findLineEnd(from start: Int) throws(HTTPParserError) -> Int? {
        var index = max(self.scanIndex, start)
        while index < self.buffer.count {
            if index - start >= Self.maxChunkLineLength { throw HTTPParserError(.invalidChunkSize) }
            let byte = self.buffer[index]
            if byte == HTTPSyntax.lf {
                guard index > start, self.buffer[index - 1] == HTTPSyntax.cr else {
                    throw HTTPParserError(.invalidChunkSize)
                }
                return index - 1
            } else if index > start, self.buffer[index - 1] == HTTPSyntax.cr {
                throw HTTPParserError(.invalidChunkSize)
            }
            index += 1
        }
        self.scanIndex = index
        return nil
    }

    /// Reads the trailer section after the last chunk (an empty line, or fields then an empty line), checks
    /// each field's syntax and drops it; false until it has arrived.
    mutating func readTrailers() throws(HTTPParserError) -> Bool {
        let start = self.readIndex
        guard start < self.buffer.count else { return false }
        if self.buffer[start] == HTTPSyntax.cr {
            guard start + 1 < self.buffer.count else { return false }
            guard self.buffer[start + 1] == HTTPSyntax.lf else { throw HTTPParserError(.invalidLineEnding) }
            self.readIndex = start + 2
            return true
        }
        if self.buffer[start] == HTTPSyntax.lf { throw HTTPParserError(.invalidLineEnding) }
        guard let end = try self.findSectionEnd(from: start, budget: self.limits.maxHeadSize) else { return false }
        var lines = HTTPLineIterator(self.buffer[start..<end - 2])
        var count = 0
        while let line = lines.next() {
            count += 1
            guard count <= self.limits.maxHeaderCount else { throw HTTPParserError(.tooManyHeaders) }
            _ = try Self.parseField(line)
        }
        self.readIndex = end
        return true
    }
}
