/// A complete HTTP response: status, headers and a body sent with `Content-Length` (or, for a
/// ``bodyStream``, chunked).
///
/// The server writes the framing itself: `Content-Length` (from `body`), `Date`, and `Connection` when it
/// matters; fields of those names set here are dropped, except that a HEAD response with an empty body
/// keeps its `Content-Length` (the length the GET would have). Fields whose name is not a token or whose
/// value holds CR, LF or NUL are dropped too (no response splitting).
///
/// ```swift
/// HTTPResponse(status: .ok, headers: ["Content-Type": "application/json; charset=utf-8"],
///              body: Array(#"{"status":"ok"}"#.utf8))
/// ```
public struct HTTPResponse: Sendable, Hashable {
    /// The status.
    public var status: Status
    /// Header fields, in order.
    public var headers: HTTPHeaders
    /// The body (never sent for HEAD requests, 1xx, 204 and 304).
    public var body: [UInt8]
    /// A body sent piece by piece instead of `body` (chunked); see ``HTTPBodyStream``.
    public var bodyStream: HTTPBodyStream?

    /// A response.
    public init(status: Status = .ok, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response: `Content-Type: application/json; charset=utf-8` and `json`'s UTF-8 bytes.
    public static func json(_ json: String, status: Status = .ok) -> HTTPResponse {
        HTTPResponse(
            status: status, headers: ["Content-Type": "application/json; charset=utf-8"], body: Array(json.utf8))
    }

    /// An HTTP status code and its reason phrase.
    public struct Status: Sendable, Hashable, CustomStringConvertible {
        /// The three-digit code.
        public let code: Int
        /// The reason phrase sent after the code.
        public let reasonPhrase: String

        /// A status; `reasonPhrase` defaults to the standard phrase (or "Unknown"). Codes are clamped to
        /// 100...999.
        public init(code: Int, reasonPhrase: String? = nil) {
            self.code = min(max(code, 100), 999)
            self.reasonPhrase = reasonPhrase ?? Self.standardPhrase(self.code)
        }

        /// 100.
        public static let `continue` = Status(code: 100)
        /// 200.
        public static let ok = Status(code: 200)
        /// 201.
        public static let created = Status(code: 201)
        /// 202.
        public static let accepted = Status(code: 202)
        /// 204.
        public static let noContent = Status(code: 204)
        /// 304.
        public static let notModified = Status(code: 304)
        /// 400.
        public static let badRequest = Status(code: 400)
        /// 401.
        public static let unauthorized = Status(code: 401)
        /// 403.
        public static let forbidden = Status(code: 403)
        /// 404.
        public static let notFound = Status(code: 404)
        /// 405.
        public static let methodNotAllowed = Status(code: 405)
        /// 408.
        public static let requestTimeout = Status(code: 408)
        /// 413.
        public static let payloadTooLarge = Status(code: 413)
        /// 429.
        public static let tooManyRequests = Status(code: 429)
        /// 431.
        public static let headersTooLarge = Status(code: 431)
        /// 500.
        public static let internalServerError = Status(code: 500)
        /// 501.
        public static let notImplemented = Status(code: 501)
        /// 503.
        public static let serviceUnavailable = Status(code: 503)
        /// 504.
        public static let gatewayTimeout = Status(code: 504)
        /// 505.
        public static let versionNotSupported = Status(code: 505)

        /// `200 OK`.
        public var description: String { "\(self.code) \(self.reasonPhrase)" }

        /// Whether the status forbids a body (1xx, 204, 304).
        var forbidsBody: Bool { self.code < 200 || self.code == 204 || self.code == 304 }

        private static func standardPhrase(_ code: Int) -> String {
            switch code {
            case 100: "Continue"
            case 101: "Switching Protocols"
            case 200: "OK"
            case 201: "Created"
            case 202: "Accepted"
            case 204: "No Content"
            case 301: "Moved Permanently"
            case 302: "Found"
            case 304: "Not Modified"
            case 307: "Temporary Redirect"
            case 308: "Permanent Redirect"
            case 400: "Bad Request"
            case 401: "Unauthorized"
            case 402: "Payment Required"
            case 403: "Forbidden"
            case 404: "Not Found"
            case 405: "Method Not Allowed"
            case 408: "Request Timeout"
            case 409: "Conflict"
            case 413: "Content Too Large"
            case 415: "Unsupported Media Type"
            case 422: "Unprocessable Content"
            case 429: "Too Many Requests"
            case 431: "Request Header Fields Too Large"
            case 500: "Internal Server Error"
            case 501: "Not Implemented"
            case 502: "Bad Gateway"
            case 503: "Service Unavailable"
            case 504: "Gateway Timeout"
            case 505: "HTTP Version Not Supported"
            default: "Unknown"
            }
        }
    }
}

extension HTTPResponse: CustomStringConvertible {
    /// Status, header names and body size; never header values or the body.
    public var description: String { "\(self.status) \(self.headers) body: \(self.body.count) bytes" }
}
