/// Why ``HTTPParser`` refused a request, with the status to answer it with. After an error the connection
/// must be closed: the parser no longer knows where the next request would begin.
///
/// `description` names the rule that was broken, never bytes of the request.
public struct HTTPParserError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The broken rule.
    public enum Kind: Sendable, Hashable, CaseIterable {
        /// The request line and headers (or the trailers) exceed ``HTTPParser/Limits/maxHeadSize``. 431.
        case headTooLarge
        /// More header fields than ``HTTPParser/Limits/maxHeaderCount``. 431.
        case tooManyHeaders
        /// The body (announced or received) exceeds ``HTTPParser/Limits/maxBodySize``. 413.
        case bodyTooLarge
        /// The request line is not `method SP target SP HTTP/x.y`. 400.
        case invalidRequestLine
        /// The target holds a byte that is not visible ASCII (a space, a control byte, non-ASCII). 400.
        case invalidTarget
        /// A well-formed version other than HTTP/1.1 or HTTP/1.0. 505.
        case unsupportedVersion
        /// A header line is not `name: value`, or its name or value holds a forbidden byte. 400.
        case invalidHeader
        /// Whitespace between a header name and its colon. 400.
        case whitespaceBeforeColon
        /// A header line starting with a space or tab (obsolete line folding). 400.
        case obsoleteLineFolding
        /// A line ended in LF without CR, or a CR not followed by LF. 400.
        case invalidLineEnding
        /// Both `Content-Length` and `Transfer-Encoding`. 400.
        case conflictingFraming
        /// More than one `Content-Length` field (identical or not). 400.
        case duplicateContentLength
        /// A `Content-Length` that is not 1 to 18 decimal digits. 400.
        case invalidContentLength
        /// A `Transfer-Encoding` that is not exactly `chunked` (several fields, a malformed list, `chunked`
        /// not last, or any HTTP/1.0 request with it). 400.
        case invalidTransferEncoding
        /// A well-formed coding list ending in `chunked` that names other codings (`gzip, chunked`). 501.
        case unsupportedTransferCoding
        /// A chunk size that is empty, not hexadecimal, longer than 15 digits, or followed by junk. 400.
        case invalidChunkSize
        /// Chunk data not followed by CRLF. 400.
        case invalidChunk
        /// An HTTP/1.1 request without exactly one `Host` field. 400.
        case invalidHost
        /// The input ended inside a request (a head or body shorter than announced). 400.
        case incompleteRequest
    }

    /// The broken rule.
    public let kind: Kind

    /// Wraps a kind.
    public init(_ kind: Kind) {
        self.kind = kind
    }

    /// The status code to answer with: 400, 413, 431, 501 or 505.
    public var status: Int {
        switch self.kind {
        case .headTooLarge, .tooManyHeaders: 431
        case .bodyTooLarge: 413
        case .unsupportedVersion: 505
        case .unsupportedTransferCoding: 501
        default: 400
        }
    }

    /// The error code for the JSON error body (`{"error": code, ...}`).
    public var code: String {
        switch self.status {
        case 431: "HEADERS_TOO_LARGE"
        case 413: "PAYLOAD_TOO_LARGE"
        case 505: "HTTP_VERSION_NOT_SUPPORTED"
        case 501: "NOT_IMPLEMENTED"
        default: "BAD_REQUEST"
        }
    }

    /// A generic sentence naming the broken rule.
    public var description: String {
        switch self.kind {
        case .headTooLarge: "request line and headers too large"
        case .tooManyHeaders: "too many header fields"
        case .bodyTooLarge: "request body too large"
        case .invalidRequestLine: "malformed request line"
        case .invalidTarget: "malformed request target"
        case .unsupportedVersion: "HTTP version not supported"
        case .invalidHeader: "malformed header field"
        case .whitespaceBeforeColon: "whitespace between header name and colon"
        case .obsoleteLineFolding: "obsolete header line folding"
        case .invalidLineEnding: "line not terminated by CRLF"
        case .conflictingFraming: "both Content-Length and Transfer-Encoding"
        case .duplicateContentLength: "more than one Content-Length"
        case .invalidContentLength: "malformed Content-Length"
        case .invalidTransferEncoding: "Transfer-Encoding other than chunked"
        case .unsupportedTransferCoding: "unsupported transfer coding"
        case .invalidChunkSize: "malformed chunk size"
        case .invalidChunk: "chunk data not followed by CRLF"
        case .invalidHost: "missing or repeated Host"
        case .incompleteRequest: "connection closed inside a request"
        }
    }
}
