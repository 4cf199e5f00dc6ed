/// Serializes responses into an output buffer: status line, the caller's fields, the framing fields the
/// server owns (`Content-Length`, `Date`, `Connection`), then the body. Always `HTTP/1.1` (RFC 9110 §6.2:
/// a server sends its own version, also to 1.0 clients).
enum HTTPResponseEncoder {
    /// Which `Connection` field to send.
    enum ConnectionField {
        /// None: HTTP/1.1 keep-alive is the default.
        case none
        /// `Connection: close`: the server closes after this response.
        case close
        /// `Connection: keep-alive`: to an HTTP/1.0 client that asked to keep the connection.
        case keepAlive
    }

    /// The interim response sent before reading a body that an `Expect: 100-continue` request announced.
    static let continueResponse: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// Appends `response` to `buffer`.
    ///
    /// - Parameters:
    ///   - headRequest: the request was HEAD: same fields as the GET (`Content-Length` of its body), no body.
    ///   - dateField: the whole `Date: …\r\n` line (see ``HTTPDateCache``).
    ///   - http10: the request was HTTP/1.0 (a streamed body is then sent unframed, up to the close).
    static func encode(
        _ response: HTTPResponse, headRequest: Bool, connection: ConnectionField, dateField: [UInt8],
        http10: Bool = false, into buffer: inout [UInt8]
    ) {
        let status = response.status
        buffer.append(contentsOf: "HTTP/1.1 ".utf8)
        self.appendDecimal(status.code, to: &buffer)
        buffer.append(HTTPSyntax.space)
        if status.reasonPhrase.utf8.allSatisfy(HTTPSyntax.isFieldValueByte) {
            buffer.append(contentsOf: status.reasonPhrase.utf8)
        }
        buffer.append(contentsOf: "\r\n".utf8)
        var announcedLength: String?
        for field in response.headers {
            let name = field.name.utf8
            switch name.count {
            case 4 where HTTPHeaders.namesMatch(field.name, "date"): continue
            case 10 where HTTPHeaders.namesMatch(field.name, "connection"): continue
            case 14 where HTTPHeaders.namesMatch(field.name, "content-length"):
                announcedLength = field.value
                continue
            case 17 where HTTPHeaders.namesMatch(field.name, "transfer-encoding"): continue
            default: break
            }
            var fieldName = field.name
            var fieldValue = field.value
            fieldName.withUTF8 { name in
                fieldValue.withUTF8 { value in
                    guard !name.isEmpty, name.allSatisfy(HTTPSyntax.isTokenByte),
                        value.allSatisfy(HTTPSyntax.isFieldValueByte)
                    else { return }
                    buffer.append(contentsOf: name)
                    buffer.append(contentsOf: ": ".utf8)
                    buffer.append(contentsOf: value)
                    buffer.append(contentsOf: "\r\n".utf8)
                }
            }
        }
        buffer.append(contentsOf: dateField)
        switch connection {
        case .none: break
        case .close: buffer.append(contentsOf: "Connection: close\r\n".utf8)
        case .keepAlive: buffer.append(contentsOf: "Connection: keep-alive\r\n".utf8)
        }
        let sendsBody = !headRequest && !status.forbidsBody
        if response.bodyStream != nil, !status.forbidsBody {
            // The pieces follow (``HTTPServerConnection/streamBody``): chunked to HTTP/1.1, delimited by the
            // close to HTTP/1.0.
            if !http10 { buffer.append(contentsOf: "Transfer-Encoding: chunked\r\n".utf8) }
            buffer.append(contentsOf: "\r\n".utf8)
            return
        }
        if !status.forbidsBody {
            buffer.append(contentsOf: "Content-Length: ".utf8)
            if headRequest, response.body.isEmpty, let announced = announcedLength,
                (1...18).contains(announced.utf8.count), announced.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
            {
                buffer.append(contentsOf: announced.utf8)
            } else {
                self.appendDecimal(response.body.count, to: &buffer)
            }
            buffer.append(contentsOf: "\r\n".utf8)
        }
        buffer.append(contentsOf: "\r\n".utf8)
        if sendsBody { buffer.append(contentsOf: response.body) }
    }

    /// Appends a non-negative integer's decimal digits.
    static func appendDecimal(_ value: Int, to buffer: inout [UInt8]) {
        var value = max(value, 0)
        if value == 0 {
            buffer.append(UInt8(ascii: "0"))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { raw in
            while value > 0 {
                raw[count] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
                count += 1
            }
            for index in stride(from: count - 1, through: 0, by: -1) { buffer.append(raw[index]) }
        }
    }
}
