/// An HTTP version from a request line. The parser accepts only 1.1 and 1.0.
public struct HTTPVersion: Sendable, Hashable, CustomStringConvertible {
    /// The major version digit.
    public let major: Int
    /// The minor version digit.
    public let minor: Int

    /// A version from its two digits.
    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// `HTTP/1.1`: connections stay open unless a side sends `Connection: close`.
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)
    /// `HTTP/1.0`: connections close after the response unless the client sends `Connection: keep-alive`.
    public static let http1_0 = HTTPVersion(major: 1, minor: 0)

    /// `HTTP/1.1`.
    public var description: String { "HTTP/\(self.major).\(self.minor)" }
}
