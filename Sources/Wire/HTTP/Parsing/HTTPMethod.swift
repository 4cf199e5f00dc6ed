/// An HTTP request method, as sent (methods are case-sensitive: `get` is not `GET`).
///
/// ```swift
/// if request.method == .get || request.method == .head { ... }
/// ```
public struct HTTPMethod: Sendable, Hashable, CustomStringConvertible {
    /// The method token as it appeared in the request line.
    public let rawValue: String

    /// Wraps a method token; the parser only produces tokens (RFC 9110 `tchar`s).
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// `GET`.
    public static let get = HTTPMethod(rawValue: "GET")
    /// `HEAD`.
    public static let head = HTTPMethod(rawValue: "HEAD")
    /// `POST`.
    public static let post = HTTPMethod(rawValue: "POST")
    /// `PUT`.
    public static let put = HTTPMethod(rawValue: "PUT")
    /// `PATCH`.
    public static let patch = HTTPMethod(rawValue: "PATCH")
    /// `DELETE`.
    public static let delete = HTTPMethod(rawValue: "DELETE")
    /// `OPTIONS`.
    public static let options = HTTPMethod(rawValue: "OPTIONS")

    /// The method token.
    public var description: String { self.rawValue }

    /// The method for a request-line token, sharing the common methods' strings.
    init(token: ArraySlice<UInt8>) {
        switch token.count {
        case 3 where token.elementsEqual("GET".utf8): self = .get
        case 3 where token.elementsEqual("PUT".utf8): self = .put
        case 4 where token.elementsEqual("POST".utf8): self = .post
        case 4 where token.elementsEqual("HEAD".utf8): self = .head
        case 5 where token.elementsEqual("PATCH".utf8): self = .patch
        case 6 where token.elementsEqual("DELETE".utf8): self = .delete
        case 7 where token.elementsEqual("OPTIONS".utf8): self = .options
        default: self.init(rawValue: String(decoding: token, as: UTF8.self))
        }
    }
}
