/// A complete response: status, headers and body (at most ``HTTPClient/Configuration/maxResponseBytes``).
/// Informational (1xx) responses are skipped; a 3xx is returned as is (no redirects are followed).
public struct HTTPClientResponse: Sendable, Hashable {
    /// The status code (200–599).
    public var status: Int
    /// The reason phrase as sent (may be empty; never rely on it).
    public var reasonPhrase: String
    /// The version the server answered with.
    public var version: HTTPVersion
    /// The header fields.
    public var headers: HTTPHeaders
    /// The body, decoded from chunks if it was chunked (trailers are dropped).
    public var body: [UInt8]
    /// Whether the connection may carry another request after this response.
    public var keepAlive: Bool

    /// A response.
    public init(
        status: Int, reasonPhrase: String = "", version: HTTPVersion = .http1_1, headers: HTTPHeaders = HTTPHeaders(),
        body: [UInt8] = [], keepAlive: Bool = true
    ) {
        self.status = status
        self.reasonPhrase = reasonPhrase
        self.version = version
        self.headers = headers
        self.body = body
        self.keepAlive = keepAlive
    }
}
