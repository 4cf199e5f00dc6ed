/// The contract's JSON error responses for failures the HTTP layer answers itself.
extension HTTPResponse {
    /// `{"error":code,"message":message,"request_id":id}` with `status`. `code` and `message` must be fixed
    /// texts (they are escaped, but must never carry request data or secrets).
    public static func error(status: Status, code: String, message: String, requestID: String) -> HTTPResponse {
        let json = #"{"error":"# + Self.jsonString(code) + #","message":"# + Self.jsonString(message)
            + #","request_id":"# + Self.jsonString(requestID) + "}"
        var response = HTTPResponse.json(json, status: status)
        response.headers.add(name: "X-Request-Id", value: requestID)
        return response
    }

    /// The answer to a request the parser refused: its status, code and generic message.
    public static func error(_ error: HTTPParserError, requestID: String) -> HTTPResponse {
        .error(
            status: Status(code: error.status), code: error.code, message: error.description, requestID: requestID)
    }

    /// A JSON string literal for `text` (quotes, backslashes and control characters escaped); shared by every
    /// JSON writer above the HTTP layer (the Router's `JSONValue`).
    public static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
