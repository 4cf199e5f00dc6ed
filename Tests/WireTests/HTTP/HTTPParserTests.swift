import Testing

@testable import Wire

@Suite("HTTP parser: well-formed requests")
struct HTTPParserTests {
    @Test func simpleGetWithHeaders() throws {
        let parse = httpTestParseBothWays(httpBytes(
            "GET /v1/users?limit=5 HTTP/1.1\r\nHost:   api.example  \r\nX-API-Key:\tppk_1\t\r\nAccept: */*\r\n\r\n"))
        #expect(parse.error == nil)
        let request = try #require(parse.requests.first)
        #expect(parse.requests.count == 1)
        #expect(request.method == .get)
        #expect(request.target == "/v1/users?limit=5")
        #expect(request.path == "/v1/users")
        #expect(request.query == "limit=5")
        #expect(request.version == .http1_1)
        #expect(request.keepAlive)
        #expect(request.headers["host"] == "api.example")
        #expect(request.headers["HOST"] == "api.example")
        #expect(request.headers["x-api-key"] == "ppk_1")
        #expect(request.headers.count == 3)
        #expect(request.body.isEmpty)
        #expect(!request.description.contains("ppk_1"))
    }

    @Test func keepAliveByVersionAndConnection() throws {
        let cases: [(String, Bool)] = [
            ("GET / HTTP/1.1\r\nHost: a\r\n\r\n", true),
            ("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", false),
            ("GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, CLOSE\r\n\r\n", false),
            ("GET / HTTP/1.0\r\n\r\n", false),
            ("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true),
            ("GET / HTTP/1.0\r\nConnection: Keep-Alive, close\r\n\r\n", false),
        ]
        for (text, keepAlive) in cases {
            let parse = httpTestParseBothWays(httpBytes(text))
            #expect(parse.error == nil)
            #expect(parse.requests.first?.keepAlive == keepAlive, "\(text)")
        }
    }

    @Test func contentLengthBody() throws {
        let parse = httpTestParseBothWays(httpBytes(
            "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world"))
        let request = try #require(parse.requests.first)
        #expect(parse.error == nil)
        #expect(request.method == .post)
        #expect(request.body == httpBytes("hello world"))
    }

    @Test func chunkedBodyWithExtensionsAndTrailers() throws {
        let text = "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n"
            + "4;name=value\r\nWiki\r\n5 ; x\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nX-Trailer: t\r\nY: 2\r\n\r\n"
            + "GET /next HTTP/1.1\r\nHost: a\r\n\r\n"
        let parse = httpTestParseBothWays(httpBytes(text))
        #expect(parse.error == nil)
        #expect(parse.requests.count == 2)
        #expect(parse.requests.first?.body == httpBytes("Wikipedia in\r\n\r\nchunks."))
        #expect(parse.requests.first?.headers["x-trailer"] == nil)
        #expect(parse.requests.last?.target == "/next")
    }

    @Test func chunkedBodyWithoutTrailers() throws {
        let parse = httpTestParseBothWays(httpBytes(
            "PUT /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n0\r\n\r\n"))
        #expect(parse.error == nil)
        #expect(parse.requests.first?.body == httpBytes("0123456789"))
    }

    @Test func pipelinedRequestsComeOutInOrder() throws {
        let text = (0..<5).map { "GET /\($0) HTTP/1.1\r\nHost: a\r\n\r\n" }.joined()
            + "POST /5 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
        let parse = httpTestParseBothWays(httpBytes(text))
        #expect(parse.error == nil)
        #expect(parse.requests.map(\.target) == ["/0", "/1", "/2", "/3", "/4", "/5"])
        #expect(parse.requests.last?.body == httpBytes("abc"))
    }

    @Test func emptyLinesBeforeRequestLineAreSkipped() throws {
        let parse = httpTestParseBothWays(httpBytes("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"))
        #expect(parse.error == nil)
        #expect(parse.requests.count == 1)
    }

    @Test func expectContinueIsReportedBeforeTheBody() throws {
        let parse = httpTestParseBothWays(httpBytes(
            "POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 2\r\n\r\nhi"))
        #expect(parse.error == nil)
        #expect(parse.events.count == 2)
        #expect(parse.events.first == .continueExpected)
        // No body, or HTTP/1.0: nothing to continue.
        for text in [
            "GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n",
            "POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi",
        ] {
            let parse = httpTestParseBothWays(httpBytes(text))
            #expect(parse.events.count == 1)
            #expect(parse.requests.count == 1)
        }
    }

    @Test func continueWaitsForNoBodyBytes() throws {
        var parser = HTTPParser()
        parser.append(contentsOf: httpBytes("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n"))
        #expect(try parser.next() == .continueExpected)
        #expect(try parser.next() == nil)
        #expect(parser.hasPartialRequest)
        parser.append(contentsOf: httpBytes("ok"))
        guard case .request(let request)? = try parser.next() else {
            Issue.record("expected a request")
            return
        }
        #expect(request.body == httpBytes("ok"))
        #expect(!parser.hasPartialRequest)
    }

    @Test func manyHeadersUpToTheLimit() throws {
        let fields = (0..<100).map { "X-Field-\($0): \($0)\r\n" }.joined()
        let parse = httpTestParseBothWays(httpBytes("GET / HTTP/1.1\r\nHost: a\r\n" + fields + "\r\n"),
                                          limits: HTTPParser.Limits(maxHeaderCount: 101))
        #expect(parse.error == nil)
        #expect(parse.requests.first?.headers.count == 101)
        #expect(parse.requests.first?.headers.values(for: "x-field-42") == ["42"])
    }

    @Test func percentDecodedPath() throws {
        let parse = httpTestParseBothWays(httpBytes(
            "GET /files/caf%C3%A9%20menu?q=%FF HTTP/1.1\r\nHost: a\r\n\r\n"))
        let request = try #require(parse.requests.first)
        #expect(request.decodedPath == "/files/café menu")
        #expect(HTTPRequest.percentDecoded("/%FF%FE") == nil)  // not UTF-8: nil, no crash
        #expect(HTTPRequest.percentDecoded("/%4") == nil)
        #expect(HTTPRequest.percentDecoded("/%zz") == nil)
        #expect(HTTPRequest.percentDecoded("/a%2Fb") == "/a/b")
    }

    @Test func utf8HeaderValuesAreKept() throws {
        let parse = httpTestParseBothWays(httpBytes("GET / HTTP/1.1\r\nHost: a\r\nX-Name: Zoë\r\n\r\n"))
        #expect(parse.requests.first?.headers["x-name"] == "Zoë")
    }

    @Test func unknownMethodsAreTokens() throws {
        let parse = httpTestParseBothWays(httpBytes("PROPFIND / HTTP/1.1\r\nHost: a\r\n\r\n"))
        #expect(parse.requests.first?.method == HTTPMethod(rawValue: "PROPFIND"))
    }

    @Test func bodyExactlyAtTheLimit() throws {
        let limits = HTTPParser.Limits(maxBodySize: 8)
        let fixed = httpTestParseBothWays(httpBytes("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 8\r\n\r\n12345678"),
                                          limits: limits)
        #expect(fixed.error == nil)
        let chunked = httpTestParseBothWays(httpBytes(
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n1234\r\n4\r\n5678\r\n0\r\n\r\n"),
            limits: limits)
        #expect(chunked.error == nil)
        #expect(chunked.requests.first?.body.count == 8)
    }

    @Test func headersAPI() {
        var headers: HTTPHeaders = ["Content-Type": "text/plain", "Set-Cookie": "a", "set-cookie": "b"]
        #expect(headers.values(for: "SET-COOKIE") == ["a", "b"])
        headers.replaceOrAdd(name: "Set-Cookie", value: "c")
        #expect(headers.values(for: "set-cookie") == ["c"])
        headers.remove(name: "content-type")
        #expect(!headers.contains("Content-Type"))
        #expect(headers.description == "HTTPHeaders(Set-Cookie)")
    }
}
