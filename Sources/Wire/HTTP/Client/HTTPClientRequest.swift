/// A request for ``HTTPClient``: method, absolute URL, headers and body. The client adds `Host`,
/// `Content-Length` (when there is a body or the method usually has one) and `User-Agent: purrpurr/1` unless
/// given; it never follows redirects.
///
/// ```swift
/// let request = try HTTPClientRequest(method: .post, url: "https://hooks.example.com/in",
///                                     headers: ["Content-Type": "application/json"], body: Array(json.utf8))
/// ```
public struct HTTPClientRequest: Sendable, Hashable {
    /// The method.
    public var method: HTTPMethod
    /// The target.
    public var url: HTTPClientURL
    /// Header fields to send (framing fields `Content-Length`, `Transfer-Encoding`, `Connection` are set by
    /// the client and refused here).
    public var headers: HTTPHeaders
    /// The body (may be empty).
    public var body: [UInt8]

    /// A request; throws ``HTTPClientError/Code/invalidRequest`` for a malformed URL.
    public init(
        method: HTTPMethod = .get, url: String, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []
    ) throws(HTTPClientError) {
        self.init(method: method, url: try HTTPClientURL(url), headers: headers, body: body)
    }

    /// A request to a parsed URL.
    public init(method: HTTPMethod = .get, url: HTTPClientURL, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// Whether sending it twice has the effect of sending it once (RFC 9110 §9.2.2): a reused connection
    /// that closed under it may be retried.
    public var isIdempotent: Bool {
        [HTTPMethod.get, .head, .options, .put, .delete].contains(method) || method.rawValue == "TRACE"
    }
}
