import ServiceKit
import Wire

/// What a handler returns: a status, an optional JSON body and extra headers.
struct RouteResponse: Sendable {
    /// The status.
    var status: Int
    /// The body, or nil for none (204).
    var body: JSONValue?
    /// A plain-text body (Prometheus), used when `body` is nil.
    var text: String?
    /// JSON already serialized by a service (the vault's documents, whose numbers must keep every digit),
    /// used when `body` and `text` are nil.
    var rawJSON: [UInt8]?
    /// Extra headers.
    var headers: [(String, String)] = []
    /// A body too large to hold, sent chunked as it is made (a backup's NDJSON), used when the others are nil.
    var stream: HTTPBodyStream?
    /// The media type of `rawJSON` or `stream` when it is not one JSON document (`application/x-ndjson`).
    var rawContentType = "application/json; charset=utf-8"

    /// A response.
    init(status: Int, body: JSONValue?, text: String? = nil, headers: [(String, String)] = []) {
        self.status = status
        self.body = body
        self.text = text
        self.headers = headers
    }

    /// A JSON response.
    static func json(_ body: JSONValue, status: Int = 200) -> RouteResponse {
        RouteResponse(status: status, body: body)
    }

    /// A JSON response whose bytes a service made.
    static func rawJSON(_ bytes: [UInt8], status: Int = 200, headers: [(String, String)] = []) -> RouteResponse {
        var response = RouteResponse(status: status, body: nil, headers: headers)
        response.rawJSON = bytes
        return response
    }

    /// 204 No Content.
    static let noContent = RouteResponse(status: 204, body: nil)

    /// The HTTP response: the body written straight to UTF-8 bytes (or the text), then the extra headers.
    var http: HTTPResponse {
        var response: HTTPResponse
        if let body {
            response = HTTPResponse.jsonBody(body, status: HTTPResponse.Status(code: status))
        } else {
            response = HTTPResponse(status: HTTPResponse.Status(code: status))
            if let text {
                response.headers.add(name: "Content-Type", value: MetricsRegistry.contentType)
                response.body = Array(text.utf8)
            } else if let rawJSON {
                response.headers.add(name: "Content-Type", value: rawContentType)
                response.body = rawJSON
            } else if let stream {
                response.headers.add(name: "Content-Type", value: rawContentType)
                response.bodyStream = stream
            }
        }
        for (name, value) in headers { response.headers.add(name: name, value: value) }
        return response
    }
}
