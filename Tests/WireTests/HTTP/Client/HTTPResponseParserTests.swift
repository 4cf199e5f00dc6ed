import Testing

@testable import Wire

/// Feeds `text` to a fresh response parser expecting a response to `method`, whole or one byte at a time,
/// (later ones to `GET`), then ends the input if `close`; returns the responses and the error it stopped at.
private func parse(
    _ text: String, method: HTTPMethod = .get, responses expected: Int = 1, close: Bool = false,
    maxBody: Int = 1 << 20, feed: HTTPTestFeed
) -> (responses: [HTTPClientResponse], error: HTTPClientError?) {
    var parser = HTTPResponseParser(limits: .init(maxBodySize: maxBody))
    var responses: [HTTPClientResponse] = []
    parser.expectResponse(to: method)
    let chunks: [[UInt8]] = feed == .whole ? [Array(text.utf8)] : text.utf8.map { [$0] }
    do {
        for chunk in chunks {
            parser.append(contentsOf: chunk)
            while let response = try parser.next() {
                responses.append(response)
                if responses.count < expected { parser.expectResponse(to: .get) }  // later requests are GETs
            }
        }
        if close, let response = try parser.finish() { responses.append(response) }
    } catch {
        return (responses, error)
    }
    return (responses, nil)
}

/// Parses both ways, expects them to agree, returns the outcome.
private func parseBothWays(
    _ text: String, method: HTTPMethod = .get, responses: Int = 1, close: Bool = false, maxBody: Int = 1 << 20
) -> (responses: [HTTPClientResponse], error: HTTPClientError?) {
    let whole = parse(text, method: method, responses: responses, close: close, maxBody: maxBody, feed: .whole)
    let split = parse(text, method: method, responses: responses, close: close, maxBody: maxBody, feed: .byteByByte)
    #expect(whole.responses == split.responses)
    #expect(whole.error == split.error)
    return whole
}

@Suite struct HTTPResponseParserTests {
    @Test func contentLengthBodyAndKeepAlive() {
        let outcome = parseBothWays("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello")
        #expect(outcome.error == nil)
        let response = outcome.responses.first
        #expect(response?.status == 200)
        #expect(response?.reasonPhrase == "OK")
        #expect(response?.headers["x-a"] == "b")
        #expect(response?.body == Array("hello".utf8))
        #expect(response?.keepAlive == true)
    }

    @Test func twoResponsesOnOneConnection() {
        let text = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nb"
        let outcome = parseBothWays(text, responses: 2)
        #expect(outcome.responses.map(\.status) == [200, 201])
        #expect(outcome.responses.map(\.body) == [[0x61], [0x62]])
    }

    @Test func chunkedWithExtensionsAndTrailers() {
        let text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;name=value\r\nhello\r\n1 ; x\r\n!\r\n0\r\nX-Trailer: t\r\nX-Other: o\r\n\r\n"
        let outcome = parseBothWays(text)
        #expect(outcome.error == nil)
        #expect(outcome.responses.first?.body == Array("hello!".utf8))
        #expect(outcome.responses.first?.keepAlive == true)
    }

    @Test func readUntilClose() {
        let outcome = parseBothWays("HTTP/1.1 200 OK\r\nX: y\r\n\r\nall of it", close: true)
        #expect(outcome.error == nil)
        #expect(outcome.responses.first?.body == Array("all of it".utf8))
        #expect(outcome.responses.first?.keepAlive == false)
    }

    @Test func informationalResponsesAreSkipped() {
        let text = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
        let outcome = parseBothWays(text)
        #expect(outcome.responses.map(\.status) == [200])
        #expect(outcome.responses.first?.headers["link"] == nil)
    }

    @Test(arguments: [("HTTP/1.1 204 No Content\r\nContent-Length: 9\r\n\r\n", HTTPMethod.get),
                      ("HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n", .get),
                      ("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", .head)])
    func responsesWithoutBody(head: String, method: HTTPMethod) {
        // The next response starts right after the head: no body is read for these.
        let text = head + "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nz"
        let outcome = parseBothWays(text, method: method, responses: 2)
        #expect(outcome.error == nil)
        #expect(outcome.responses.count == 2)
        #expect(outcome.responses.first?.body == [])
    }

    @Test func connectionCloseAndHTTP10() {
        #expect(parseBothWays("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").responses.first?.keepAlive == false)
        #expect(parseBothWays("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").responses.first?.keepAlive == false)
        #expect(parseBothWays("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n").responses.first?.keepAlive == true)
    }

    @Test(arguments: [
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\na",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n",
        "HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 2x0 OK\r\n\r\n",
        "HTTP/2.0 200 OK\r\n\r\n",
        "HTTP/1.1 101 Switching Protocols\r\n\r\n",
        "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
        "HTTP/1.1 200 OK\r\n folded\r\n\r\n",
        "SSH-2.0-OpenSSH\r\n\r\n",
    ])
    func malformedResponsesAreRefused(text: String) {
        let outcome = parseBothWays(text, close: true)
        #expect(outcome.error?.code == .malformedResponse)
        #expect(outcome.responses.isEmpty)
    }

    @Test func bodiesOverTheCapAreRefused() {
        #expect(parseBothWays("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n", maxBody: 10).error?.code == .responseTooLarge)
        let chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n6\r\nabcdef\r\n0\r\n\r\n"
        #expect(parseBothWays(chunked, maxBody: 10).error?.code == .responseTooLarge)
        #expect(parseBothWays("HTTP/1.1 200 OK\r\n\r\n0123456789ab", close: true, maxBody: 10).error?.code == .responseTooLarge)
        #expect(parseBothWays("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789", maxBody: 10).error == nil)
    }

    @Test func cutShortOrUnsolicited() {
        let cut = parseBothWays("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", close: true)
        #expect(cut.error?.code == .connectionClosed)
        #expect(cut.error?.closedBeforeResponse == false)
        let silent = parseBothWays("", close: true)
        #expect(silent.error?.code == .connectionClosed)
        #expect(silent.error?.closedBeforeResponse == true)
        var parser = HTTPResponseParser()
        parser.append(contentsOf: Array("HTTP/1.1 408 Request Timeout\r\n\r\n".utf8))
        #expect(throws: HTTPClientError.self) { try parser.next() }
    }

    @Test func errorsNeverQuoteTheResponse() {
        let outcome = parseBothWays("HTTP/1.1 200 OK\r\nX-Secret: s3cr3t\u{1}\r\n\r\n")
        #expect(outcome.error?.code == .malformedResponse)
        #expect(!(outcome.error?.description.contains("s3cr3t") ?? true))
    }
}
