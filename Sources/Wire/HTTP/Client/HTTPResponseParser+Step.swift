/// The body states: fixed length, chunks (with the server parser's chunk rules), until close.
extension HTTPResponseParser {
    /// Advances as far as the buffered bytes allow; a response when one is complete.
    mutating func step() throws -> HTTPClientResponse? {
        while true {
            switch state {
            case .idle, .failed:
                if buffer.count > readIndex {
                    throw HTTPClientError(.malformedResponse, "bytes arrived when no response was expected")
                }
                return nil
            case .head:
                guard let framing = try readHead() else { return nil }
                switch framing {
                case .none: return complete(keepAlive: true)
                case .length(let length): state = .fixedBody(remaining: length)
                case .chunked: state = .chunkSize
                case .untilClose: state = .untilClose
                }
            case .fixedBody(let remaining):
                let taken = takeBody(upTo: remaining)
                if taken == remaining { return complete(keepAlive: true) }
                state = .fixedBody(remaining: remaining - taken)
                return nil
            case .chunkSize:
                let (lineEnd, scanned) = try HTTPParser.scanLineEnd(buffer, start: readIndex, from: scanIndex)
                scanIndex = scanned
                guard let lineEnd else { return nil }
                let size = try HTTPParser.chunkSize(buffer[readIndex..<lineEnd])
                readIndex = lineEnd + 2
                scanIndex = readIndex
                guard size <= limits.maxBodySize - partial!.body.count else {
                    throw HTTPClientError(.responseTooLarge, "the response body is too large")
                }
                state = size == 0 ? .trailers : .chunkData(remaining: size)
            case .chunkData(let remaining):
                let taken = takeBody(upTo: remaining)
                if taken == 0 { return nil }
                state = taken == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - taken)
            case .chunkDataEnd:
                let available = buffer.count - readIndex
                if available > 0, buffer[readIndex] != HTTPSyntax.cr
                    || (available > 1 && buffer[readIndex + 1] != HTTPSyntax.lf)
                {
                    throw HTTPParserError(.invalidChunk)
                }
                guard available >= 2 else { return nil }
                readIndex += 2
                scanIndex = readIndex
                state = .chunkSize
            case .trailers:
                let (end, scanned) = try HTTPParser.scanTrailers(
                    buffer, start: readIndex, from: scanIndex, maxSize: limits.maxHeadSize,
                    maxCount: limits.maxHeaderCount)
                scanIndex = scanned
                guard let end else { return nil }
                readIndex = end
                return complete(keepAlive: true)
            case .untilClose:
                let available = buffer.count - readIndex
                guard available <= limits.maxBodySize - partial!.body.count else {
                    throw HTTPClientError(.responseTooLarge, "the response body is too large")
                }
                _ = takeBody(upTo: available)
                return nil
            }
        }
    }

    /// Moves up to `limit` buffered bytes into the partial response's body; returns how many.
    private mutating func takeBody(upTo limit: Int) -> Int {
        let count = min(limit, buffer.count - readIndex)
        guard count > 0 else { return 0 }
        partial!.body.append(contentsOf: buffer[readIndex..<readIndex + count])
        readIndex += count
        scanIndex = readIndex
        return count
    }
}
