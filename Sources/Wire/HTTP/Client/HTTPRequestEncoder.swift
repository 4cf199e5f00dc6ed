/// Writes a ``HTTPClientRequest`` as HTTP/1.1 bytes: request line, `Host`, `User-Agent: purrpurr/1` (unless
/// given), `Content-Length` (for a body, and for an empty POST/PUT/PATCH), the caller's fields, the body.
///
/// Refused (``HTTPClientError/Code/invalidRequest``): a method that is not a token; a field name that is not
/// a token or a value with CR, LF or another control byte (header injection); the framing and
/// connection fields `Host`, `Content-Length`, `Transfer-Encoding`, `Connection` and `Upgrade`, which the
/// client owns.
enum HTTPRequestEncoder {
    /// The `User-Agent` sent unless the request has one.
    static let userAgent = "purrpurr/1"

    /// Fields the client sets itself.
    private static let reservedFields = ["host", "content-length", "transfer-encoding", "connection", "upgrade"]

    /// The bytes of `request`.
    static func encode(_ request: HTTPClientRequest) throws(HTTPClientError) -> [UInt8] {
        let method = Array(request.method.rawValue.utf8)
        guard !method.isEmpty, method.allSatisfy(HTTPSyntax.isTokenByte) else {
            throw HTTPClientError(.invalidRequest, "the method is not a token")
        }
        var out: [UInt8] = []
        out.reserveCapacity(256 + request.body.count)
        func line(_ text: String) {
            out.append(contentsOf: text.utf8)
            out.append(contentsOf: [HTTPSyntax.cr, HTTPSyntax.lf])
        }
        line("\(request.method.rawValue) \(request.url.target) HTTP/1.1")
        line("Host: \(request.url.hostHeader)")
        if !request.headers.contains("User-Agent") { line("User-Agent: \(userAgent)") }
        let bodyExpected = [HTTPMethod.post, .put, .patch].contains(request.method)
        if !request.body.isEmpty || bodyExpected { line("Content-Length: \(request.body.count)") }
        for field in request.headers {
            let name = Array(field.name.utf8)
            guard !name.isEmpty, name.allSatisfy(HTTPSyntax.isTokenByte) else {
                throw HTTPClientError(.invalidRequest, "a header name is not a token")
            }
            guard field.value.utf8.allSatisfy(HTTPSyntax.isFieldValueByte) else {
                throw HTTPClientError(.invalidRequest, "a header value holds a control byte")
            }
            guard !reservedFields.contains(field.name.lowercased()) else {
                throw HTTPClientError(.invalidRequest, "the \(field.name.lowercased()) header is set by the client")
            }
            line("\(field.name): \(field.value)")
        }
        line("")
        out.append(contentsOf: request.body)
        return out
    }
}
