/// One complete HTTP request, as the parser produced it: head and whole body.
///
/// ```swift
/// switch (request.method, request.path) {
/// case (.get, "/healthz"): return HTTPResponse(status: .ok, body: Array(#"{"status":"ok"}"#.utf8))
/// default: ...
/// }
/// ```
public struct HTTPRequest: Sendable, Hashable {
    /// The method.
    public var method: HTTPMethod
    /// The request target as sent (`/v1/users?limit=5`): visible ASCII only, never percent-decoded.
    public var target: String
    /// `HTTP/1.1` or `HTTP/1.0`.
    public var version: HTTPVersion
    /// The header fields, in order (framing headers included).
    public var headers: HTTPHeaders
    /// The body, de-chunked; empty when the request had none.
    public var body: [UInt8]
    /// Whether the connection may carry another request after this one (HTTP/1.1 unless
    /// `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`).
    public var keepAlive: Bool

    /// A request; `keepAlive` defaults to what the version implies.
    public init(
        method: HTTPMethod, target: String, version: HTTPVersion = .http1_1, headers: HTTPHeaders = HTTPHeaders(),
        body: [UInt8] = [], keepAlive: Bool? = nil
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
        self.keepAlive = keepAlive ?? (version == .http1_1)
    }

    /// The target up to `?` (still percent-encoded): `/v1/users`.
    public var path: Substring {
        // The target is ASCII: a byte search finds the same index as a `Character` search, without
        // grapheme breaking.
        self.target.utf8.firstIndex(of: UInt8(ascii: "?")).map { self.target[..<$0] } ?? self.target[...]
    }

    /// The target after the first `?` (still percent-encoded), or nil.
    public var query: Substring? {
        self.target.utf8.firstIndex(of: UInt8(ascii: "?")).map { self.target[self.target.utf8.index(after: $0)...] }
    }

    /// ``path`` percent-decoded; nil if an escape is malformed or the result is not valid UTF-8
    /// (answer such a request with 400).
    public var decodedPath: String? {
        Self.percentDecoded(self.path)
    }

    /// Percent-decodes `text`; nil on a malformed escape or when the bytes are not valid UTF-8.
    public static func percentDecoded(_ text: some StringProtocol) -> String? {
        if !text.utf8.contains(UInt8(ascii: "%")) { return String(text) }  // nothing to decode: already UTF-8
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(HTTPSyntax.hexValue),
                let low = iterator.next().flatMap(HTTPSyntax.hexValue)
            else { return nil }
            bytes.append(UInt8(high << 4 | low))
        }
        return String(validating: bytes, as: UTF8.self)
    }
}

extension HTTPRequest: CustomStringConvertible {
    /// Method, path, version, header names and body size: never the query, header values or body, which
    /// may hold credentials.
    public var description: String {
        "\(self.method) \(self.path) \(self.version) \(self.headers) body: \(self.body.count) bytes"
    }
}
