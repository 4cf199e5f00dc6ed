/// An absolute `http://` or `https://` URL, split the way the client needs it: the origin it pools
/// connections by (scheme, host, port) and the request target (path and query). No user info, no fragment
/// sent. IPv6 literals are written in brackets (`https://[2001:db8::1]/`).
public struct HTTPClientURL: Sendable, Hashable, CustomStringConvertible {
    /// `http` or `https`.
    public let scheme: String
    /// The host, lowercased, without brackets.
    public let host: String
    /// The port (default 80 or 443).
    public let port: Int
    /// The path and query, starting with `/`.
    public let target: String

    /// Whether TLS is used.
    public var isSecure: Bool { scheme == "https" }

    /// Parses `text`; throws ``HTTPClientError/Code/invalidRequest`` for anything but an absolute http(s) URL.
    public init(_ text: String) throws(HTTPClientError) {
        func invalid(_ why: String) -> HTTPClientError { HTTPClientError(.invalidRequest, "the URL \(why)") }
        guard text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { throw invalid("holds a space or non-ASCII byte") }
        guard let separator = text.range(of: "://") else { throw invalid("is not absolute") }
        let scheme = text[..<separator.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { throw invalid("is not http or https") }
        var rest = text[separator.upperBound...]
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let path = rest[authorityEnd...]
        guard !authority.contains("@") else { throw invalid("holds user information") }
        var host = Substring(authority)
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw invalid("has a malformed IPv6 host") }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw invalid("has a malformed port") }
                portText = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        }
        guard !host.isEmpty else { throw invalid("has no host") }
        var port = scheme == "https" ? 443 : 80
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value), portText.allSatisfy(\.isNumber) else {
                throw invalid("has a malformed port")
            }
            port = value
        }
        self.scheme = scheme
        self.host = host.lowercased()
        self.port = port
        self.target = path.isEmpty ? "/" : (path.hasPrefix("?") ? "/" + path : String(path))
    }

    /// The `Host` header's value: the host (bracketed if IPv6), with the port unless it is the default.
    public var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == (isSecure ? 443 : 80) ? name : "\(name):\(port)"
    }

    /// `scheme://host:port`: the origin, without path or query (they may carry secrets).
    public var description: String { "\(scheme)://\(hostHeader)" }
}
