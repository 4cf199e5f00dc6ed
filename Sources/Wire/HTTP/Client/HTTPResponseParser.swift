/// An incremental HTTP/1.1 response parser: a pure value, fed bytes in any split, handing back complete
/// responses to the requests it was told about. It never touches a socket or a clock.
///
/// ```swift
/// var parser = HTTPResponseParser(limits: .init(maxBodySize: 1 << 20))
/// parser.expectResponse(to: .get)            // before each request is sent
/// parser.append(contentsOf: bytes)           // whatever arrived, any split
/// if let response = try parser.next() { … }  // throws HTTPClientError; the connection must then close
/// let last = try parser.finish()             // at end of input: a read-until-close body, or an error
/// ```
///
/// Bodies (RFC 9112 §6.3): none for `HEAD`, 1xx, 204 and 304; `Transfer-Encoding: chunked` (extensions
/// ignored, trailers read and dropped); `Content-Length`; else read until the server closes. Informational
/// responses (100, 102, 103) are skipped. It shares the server parser's rules (``HTTPParser``): CRLF line
/// ends only, field syntax, chunk syntax, head and header-count limits; and refuses framing a proxy could
/// read differently: both `Content-Length` and `Transfer-Encoding`, several `Content-Length` fields, any
/// coding but `chunked`. A body over ``Limits/maxBodySize`` is ``HTTPClientError/Code/responseTooLarge``.
struct HTTPResponseParser: Sendable {
    /// Size limits.
    struct Limits: Sendable, Hashable {
        /// Bytes of status line plus headers, and separately of chunked trailers.
        var maxHeadSize: Int = 16 * 1024
        /// Header fields per response.
        var maxHeaderCount: Int = 100
        /// Bytes of body.
        var maxBodySize: Int = 1 << 20
    }

    /// Where in a response the parser is.
    enum State: Sendable {
        /// No request is outstanding: any byte is unsolicited.
        case idle
        case head
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case untilClose
        case failed(HTTPClientError)
    }

    let limits: Limits
    var buffer: [UInt8] = []
    var readIndex = 0
    var scanIndex = 0
    var state: State = .idle
    /// The method of the request being answered (a response to `HEAD` has no body).
    var method: HTTPMethod = .get
    /// The response whose body is being read.
    var partial: HTTPClientResponse?

    init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Whether a byte arrived since the last response (or while none was expected).
    var hasReceivedBytes: Bool { buffer.count > readIndex || isInsideResponse }

    /// Whether the head of the awaited response has been read (its body may still be arriving).
    var hasHead: Bool { partial != nil }

    /// Whether a response is being read (head started or body pending).
    private var isInsideResponse: Bool {
        switch state {
        case .idle, .head, .failed: partial != nil
        default: true
        }
    }

    /// Announces the request whose response comes next (one at a time: no pipelining).
    mutating func expectResponse(to method: HTTPMethod) {
        guard case .idle = state else { return }
        self.method = method
        self.state = .head
    }

    /// Adds received bytes (ignored after an error).
    mutating func append(contentsOf bytes: some Sequence<UInt8>) {
        if case .failed = state { return }
        if readIndex > 0, readIndex >= buffer.count / 2 {
            buffer.removeFirst(readIndex)
            scanIndex = max(scanIndex - readIndex, 0)
            readIndex = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The complete response, or nil while more bytes are needed. Throws once the input breaks a rule;
    /// from then on every call throws the same error.
    mutating func next() throws(HTTPClientError) -> HTTPClientResponse? {
        if case .failed(let error) = state { throw error }
        do {
            return try step()
        } catch let error as HTTPParserError {
            throw fail(Self.clientError(error))
        } catch {
            throw fail(error as! HTTPClientError)
        }
    }

    /// The server closed the connection: returns the read-until-close response, or nil if no response was
    /// started; throws ``HTTPClientError/Code/connectionClosed`` if one was cut short.
    mutating func finish() throws(HTTPClientError) -> HTTPClientResponse? {
        switch state {
        case .failed(let error):
            throw error
        case .untilClose:
            return complete(keepAlive: false)
        case .idle:
            return nil
        case .head where !hasReceivedBytes:
            var error = HTTPClientError(.connectionClosed, "the server closed the connection before responding")
            error.closedBeforeResponse = true
            throw fail(error)
        default:
            throw fail(HTTPClientError(.connectionClosed, "the server closed the connection inside the response"))
        }
    }

    private mutating func fail(_ error: HTTPClientError) -> HTTPClientError {
        state = .failed(error)
        partial = nil
        return error
    }

    /// A shared-rule violation as the client's error (the server parser's wording names the rule).
    private static func clientError(_ error: HTTPParserError) -> HTTPClientError {
        if error.kind == .bodyTooLarge { return HTTPClientError(.responseTooLarge, "the response body is too large") }
        return HTTPClientError(.malformedResponse, error.description)
    }

    /// Hands out the finished response and waits for the next request.
    mutating func complete(keepAlive: Bool) -> HTTPClientResponse {
        var response = partial!
        response.keepAlive = response.keepAlive && keepAlive
        partial = nil
        state = .idle
        scanIndex = readIndex
        return response
    }
}
