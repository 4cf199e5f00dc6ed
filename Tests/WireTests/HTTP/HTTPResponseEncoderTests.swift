import Testing

@testable import Wire

@Suite("HTTP response encoder, date cache and connection clocks")
struct HTTPResponseEncoderTests {
    private let date = Array("Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n".utf8)

    private func encode(
        _ response: HTTPResponse, head: Bool = false, connection: HTTPResponseEncoder.ConnectionField = .none
    ) -> String {
        var buffer: [UInt8] = []
        HTTPResponseEncoder.encode(response, headRequest: head, connection: connection, dateField: date, into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    @Test func statusHeadersLengthAndBody() {
        let text = encode(.json(#"{"status":"ok"}"#))
        #expect(text == "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
            + "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Length: 15\r\n\r\n{\"status\":\"ok\"}")
    }

    @Test func headKeepsTheLengthButSendsNoBody() {
        let text = encode(HTTPResponse(status: .ok, body: Array("hello".utf8)), head: true)
        #expect(text.hasSuffix("Content-Length: 5\r\n\r\n"))
        // A HEAD responder may announce the GET's length without building the body.
        let announced = encode(HTTPResponse(status: .ok, headers: ["Content-Length": "1234"]), head: true)
        #expect(announced.hasSuffix("Content-Length: 1234\r\n\r\n"))
    }

    @Test func framingFieldsAreTheServers() {
        let response = HTTPResponse(
            status: .ok,
            headers: ["Content-Length": "99", "Transfer-Encoding": "chunked", "Connection": "keep-alive",
                      "Date": "yesterday", "X-Ok": "1"],
            body: Array("abc".utf8))
        let text = encode(response, connection: .close)
        #expect(text == "HTTP/1.1 200 OK\r\nX-Ok: 1\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
            + "Connection: close\r\nContent-Length: 3\r\n\r\nabc")
        #expect(encode(HTTPResponse(), connection: .keepAlive).contains("Connection: keep-alive\r\n"))
    }

    @Test func responseSplittingIsImpossible() {
        let response = HTTPResponse(
            status: .ok, headers: ["X-Bad": "a\r\nSet-Cookie: evil=1", "Bad Name": "v", "X-Nul": "a\u{0}", "X-Good": "g"])
        let text = encode(response)
        #expect(!text.contains("evil"))
        #expect(!text.contains("Bad Name"))
        #expect(!text.contains("X-Nul"))
        #expect(text.contains("X-Good: g\r\n"))
    }

    @Test func noBodyStatuses() {
        #expect(encode(HTTPResponse(status: .noContent, body: [1, 2])) == "HTTP/1.1 204 No Content\r\n"
            + "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n")
        #expect(!encode(HTTPResponse(status: .notModified, body: [1])).contains("Content-Length"))
        #expect(encode(HTTPResponse(status: HTTPResponse.Status(code: 418))).hasPrefix("HTTP/1.1 418 Unknown\r\n"))
    }

    @Test func errorBodiesAreContractJSON() {
        let response = HTTPResponse.error(HTTPParserError(.headTooLarge), requestID: "r1")
        #expect(response.status.code == 431)
        #expect(String(decoding: response.body, as: UTF8.self)
            == #"{"error":"HEADERS_TOO_LARGE","message":"request line and headers too large","request_id":"r1"}"#)
        #expect(HTTPResponse.jsonString("a\"b\\c\n\u{1}") == #""a\"b\\c\n\u0001""#)
    }

    @Test func decimalDigits() {
        for value in [0, 7, 10, 999, 1_048_576, Int.max] {
            var buffer: [UInt8] = []
            HTTPResponseEncoder.appendDecimal(value, to: &buffer)
            #expect(String(decoding: buffer, as: UTF8.self) == String(value))
        }
    }

    @Test func dateFieldFormatAndCache() {
        #expect(HTTPDateCache.format(784_111_777) == Array("Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n".utf8))
        #expect(HTTPDateCache.format(0) == Array("Date: Thu, 01 Jan 1970 00:00:00 GMT\r\n".utf8))
        let cache = HTTPDateCache()
        #expect(cache.dateField(at: 784_111_777) == cache.dateField(at: 784_111_777))
        #expect(cache.dateField(at: 784_111_778) == Array("Date: Sun, 06 Nov 1994 08:49:38 GMT\r\n".utf8))
    }

    @Test func connectionClocks() {
        let second: UInt64 = 1_000_000_000
        var clocks = HTTPConnectionDeadlines(requestTimeout: .seconds(10), idleTimeout: .seconds(60))
        #expect(clocks.nextDeadline == nil)
        clocks.idleChanged(true, at: 0)
        #expect(clocks.nextDeadline == 60 * second)
        #expect(clocks.expiry(at: 59 * second) == .none)
        #expect(clocks.expiry(at: 60 * second) == .idle)
        // A request begins: not idle, 10 s to arrive whole; its later bytes do not move the clock.
        clocks.idleChanged(false, at: 5 * second)
        clocks.requestStarted(at: 5 * second)
        clocks.requestStarted(at: 9 * second)
        #expect(clocks.nextDeadline == 15 * second)
        #expect(clocks.expiry(at: 14 * second) == .none)
        #expect(clocks.expiry(at: 15 * second) == .request)
        clocks.requestEnded()
        #expect(clocks.nextDeadline == nil)
        clocks.idleChanged(true, at: 20 * second)
        clocks.idleChanged(true, at: 30 * second)  // stays idle since 20 s
        #expect(clocks.nextDeadline == 80 * second)
        clocks.requestRestarted(at: 30 * second)
        #expect(clocks.nextDeadline == 40 * second)
    }
}
