/// An incremental HTTP/1.1 request parser: a pure value, fed bytes in any split, handing back complete
/// requests. It never touches a socket or a clock.
///
/// ```swift
/// var parser = HTTPParser()
/// parser.append(bytes)                       // whatever arrived, any split
/// while let event = try parser.next() {      // throws HTTPParserError: answer error.status, then close
///     switch event {
///     case .continueExpected: send("HTTP/1.1 100 Continue\r\n\r\n")
///     case .request(let request): respond(to: request)
///     }
/// }
/// try parser.finish()                        // at end of input: throws if a request was cut short
/// ```
///
/// Accepted: HTTP/1.1 and 1.0; header names case-insensitive, values trimmed; bodies by `Content-Length` or
/// `Transfer-Encoding: chunked` (chunk extensions ignored, trailers read and dropped); empty lines before a
/// request line are skipped.
///
/// Refused, so that no proxy in front of us can disagree about where a request ends (request smuggling):
/// both `Content-Length` and `Transfer-Encoding`; more than one `Content-Length`, even identical ones; any
/// `Transfer-Encoding` but exactly `chunked`; malformed chunk sizes; obsolete line folding; whitespace
/// before a header colon; **bare LF and bare CR** (every line must end in CRLF); control bytes in the head;
/// non-ASCII bytes in the target. See ``HTTPParserError/Kind`` for the status of each.
///
/// Limits are checked at byte positions, so the same input fails the same way however it is split.
/// After an error the parser stays failed: every later `next()` throws the same error.
public struct HTTPParser: Sendable {
    /// Size limits; the defaults are the contract's.
    public struct Limits: Sendable, Hashable {
        /// Bytes of request line plus headers (with the blank line), and separately of chunked trailers:
        /// more is 431.
        public var maxHeadSize: Int
        /// Bytes of body (announced by `Content-Length` or received in chunks): more is 413.
        public var maxBodySize: Int
        /// Header fields per request: more is 431.
        public var maxHeaderCount: Int

        /// Limits, clamped to at least 64 bytes of head, 0 bytes of body and 1 header.
        public init(maxHeadSize: Int = 16 * 1024, maxBodySize: Int = 1 << 20, maxHeaderCount: Int = 100) {
            self.maxHeadSize = max(maxHeadSize, 64)
            self.maxBodySize = max(maxBodySize, 0)
            self.maxHeaderCount = max(maxHeaderCount, 1)
        }
    }

    /// What ``next()`` found.
    public enum Event: Sendable, Hashable {
        /// The head of the request being read asked for `Expect: 100-continue` and announced a body: a
        /// server answers `100 Continue` now (the limits were already checked against the head).
        case continueExpected
        /// A complete request.
        case request(HTTPRequest)
    }

    /// Where in a request the parser is.
    enum State: Sendable {
        case head
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case failed(HTTPParserError)
    }

    /// The longest chunk-size line (size plus extensions) accepted.
    static let maxChunkLineLength = 4096

    /// The limits this parser enforces.
    public let limits: Limits
    var buffer: [UInt8] = []
    /// Bytes before this index are consumed.
    var readIndex = 0
    /// Where the search for the end of the current line or section resumes.
    var scanIndex = 0
    /// Empty lines skipped before the current request line (they count against the head limit).
    var skippedBeforeHead = 0
    var state: State = .head
    /// The request whose body is being read.
    var partial: HTTPRequest?
    var continuePending = false

    /// A parser enforcing `limits`.
    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Whether bytes of an unfinished request were received (false between requests and after an error).
    public var hasPartialRequest: Bool {
        switch self.state {
        case .head: self.buffer.count > self.readIndex || self.continuePending
        case .failed: false
        default: true
        }
    }

    /// Bytes received and not yet consumed.
    public var bufferedByteCount: Int { self.buffer.count - self.readIndex }

    /// The error the parser stopped at, if any.
    public var error: HTTPParserError? {
        if case .failed(let error) = self.state { return error }
        return nil
    }

    /// Adds received bytes (ignored after an error).
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if case .failed = self.state { return }
        self.compact()
        self.buffer.append(contentsOf: bytes)
    }

    /// Adds received bytes (ignored after an error).
    public mutating func append(contentsOf bytes: some Sequence<UInt8>) {
        if case .failed = self.state { return }
        self.compact()
        self.buffer.append(contentsOf: bytes)
    }

    /// The next event, or nil when more bytes are needed. Throws once the input breaks a rule; from then
    /// on every call throws the same error.
    public mutating func next() throws(HTTPParserError) -> Event? {
        if case .failed(let error) = self.state { throw error }
        do {
            return try self.step()
        } catch {
            self.state = .failed(error)
            self.partial = nil
            self.continuePending = false
            throw error
        }
    }

    /// The input ended: throws ``HTTPParserError/Kind/incompleteRequest`` if it ended inside a request
    /// (the cut request is never handed out). Does nothing after an earlier error.
    public mutating func finish() throws(HTTPParserError) {
        if case .failed = self.state { return }
        guard self.hasPartialRequest else { return }
        let error = HTTPParserError(.incompleteRequest)
        self.state = .failed(error)
        self.partial = nil
        throw error
    }

    private mutating func step() throws(HTTPParserError) -> Event? {
        if self.continuePending {
            self.continuePending = false
            return .continueExpected
        }
        while true {
            switch self.state {
            case .head:
                guard let (request, framing, expectsContinue) = try self.readHead() else { return nil }
                switch framing {
                case .none:
                    return .request(request)
                case .length(let length):
                    self.partial = request
                    self.partial!.body.reserveCapacity(min(length, 64 * 1024))
                    self.state = .fixedBody(remaining: length)
                case .chunked:
                    self.partial = request
                    self.state = .chunkSize
                }
                if expectsContinue { return .continueExpected }
            case .fixedBody(let remaining):
                let taken = self.takeBody(upTo: remaining)
                if taken == 0 { return nil }
                if taken == remaining { return self.finishRequest() }
                self.state = .fixedBody(remaining: remaining - taken)
                return nil
            case .chunkSize:
                guard try self.readChunkSize() else { return nil }
            case .chunkData(let remaining):
                let taken = self.takeBody(upTo: remaining)
                if taken == 0 { return nil }
                self.state = taken == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - taken)
            case .chunkDataEnd:
                guard self.buffer.count - self.readIndex >= 2 else {
                    if self.buffer.count > self.readIndex, self.buffer[self.readIndex] != HTTPSyntax.cr {
                        throw HTTPParserError(.invalidChunk)
                    }
                    return nil
                }
                guard self.buffer[self.readIndex] == HTTPSyntax.cr, self.buffer[self.readIndex + 1] == HTTPSyntax.lf
                else { throw HTTPParserError(.invalidChunk) }
                self.readIndex += 2
                self.scanIndex = self.readIndex
                self.state = .chunkSize
            case .trailers:
                guard try self.readTrailers() else { return nil }
                return self.finishRequest()
            case .failed(let error):
                throw error
            }
        }
    }

    /// Moves up to `limit` buffered bytes into the partial request's body; returns how many.
    private mutating func takeBody(upTo limit: Int) -> Int {
        let count = min(limit, self.buffer.count - self.readIndex)
        guard count > 0 else { return 0 }
        self.partial!.body.append(contentsOf: self.buffer[self.readIndex..<self.readIndex + count])
        self.readIndex += count
        self.scanIndex = self.readIndex
        return count
    }

    private mutating func finishRequest() -> Event {
        let request = self.partial!
        self.partial = nil
        self.state = .head
        self.scanIndex = self.readIndex
        return .request(request)
    }

    /// Drops consumed bytes once they are at least half the buffer (amortized O(1) per byte).
    private mutating func compact() {
        guard self.readIndex > 0 else { return }
        if self.readIndex == self.buffer.count {
            self.buffer.removeAll(keepingCapacity: self.buffer.capacity <= 256 * 1024)
        } else if self.readIndex >= self.buffer.count / 2 {
            self.buffer.removeFirst(self.readIndex)
        } else {
            return
        }
        self.scanIndex = max(self.scanIndex - self.readIndex, 0)
        self.readIndex = 0
    }
}
