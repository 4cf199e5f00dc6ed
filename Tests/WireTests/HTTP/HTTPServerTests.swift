import Synchronization
import Testing

@testable import Wire

@Suite("HTTP server over loopback")
struct HTTPServerTests {
    @Test func keepAliveServesManyRequestsOnOneConnection() async throws {
        try await withHTTPTestServer { server, loop in
            let client = try await HTTPTestClient.connect(port: server.port, loop: loop)
            for index in 0..<3 {
                client.send("GET /r\(index) HTTP/1.1\r\nHost: a\r\n\r\n")
                let response = try await client.readResponse()
                #expect(response.status == 200)
                #expect(response.headers["x-echo"] == "GET /r\(index)")
                #expect(response.headers["connection"] == nil)
                #expect(response.headers["date"]?.hasSuffix(" GMT") == true)
            }
            #expect(!(await client.waitForClose(timeout: .milliseconds(50))))
            client.send("GET /last HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            let last = try await client.readResponse()
            #expect(last.headers["connection"] == "close")
            #expect(await client.waitForClose())
        }
    }

    @Test func http10ClosesUnlessKeepAliveIsAsked() async throws {
        try await withHTTPTestServer { server, loop in
            let plain = try await HTTPTestClient.connect(port: server.port, loop: loop)
            plain.send("GET / HTTP/1.0\r\n\r\n")
            let first = try await plain.readResponse()
            #expect(first.status == 200)
            #expect(first.headers["connection"] == "close")
            #expect(await plain.waitForClose())

            let kept = try await HTTPTestClient.connect(port: server.port, loop: loop)
            kept.send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(try await kept.readResponse().headers["connection"] == "keep-alive")
            kept.send("GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(try await kept.readResponse().headers["x-echo"] == "GET /b")
            kept.close()
        }
    }

    @Test func pipelinedResponsesKeepRequestOrder() async throws {
        let computed = Mutex<[String]>([])
        let responder = HTTPTestResponder { request, _ in
            if request.path == "/slow" { try? await Task.sleep(for: .milliseconds(300)) }
            computed.withLock { $0.append(String(request.path)) }
            return HTTPResponse(status: .ok, body: Array(request.path.utf8))
        }
        try await withHTTPTestServer(responder: responder) { server, loop in
            let client = try await HTTPTestClient.connect(port: server.port, loop: loop)
            client.send("GET /slow HTTP/1.1\r\nHost: a\r\n\r\nGET /fast HTTP/1.1\r\nHost: a\r\n\r\n"
                + "POST /body HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhiGET /last HTTP/1.1\r\nHost: a\r\n\r\n")
            var bodies: [String] = []
            for _ in 0..<4 { bodies.append(try await client.readResponse().text) }
            #expect(bodies == ["/slow", "/fast", "/body", "/last"])
            #expect(computed.withLock { $0.first } != "/slow")  // the later ones were computed first
        }
    }

    @Test func fastPathAnswersOnTheLoop() async throws {
        let responder = HTTPTestResponder(
            immediate: { request, context in
                guard request.path == "/healthz" else { return nil }
                return .json(#"{"status":"ok"}"#)
            },
            handler: { _, _ in .json(#"{"error":"NOT_FOUND"}"#, status: .notFound) })
        try await withHTTPTestServer(responder: responder) { server, loop in
            let client = try await HTTPTestClient.connect(port: server.port, loop: loop)
            client.send("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\nGET /nope HTTP/1.1\r\nHost: a\r\n\r\n"
                + "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await client.readResponse().text == #"{"status":"ok"}"#)
            #expect(try await client.readResponse().status == 404)
            #expect(try await client.readResponse().status == 200)
        }
    }

    @Test func chunkedRequestBodyInPieces() async throws {
        try await withHTTPTestServer { server, loop in
            let client = try await HTTPTestClient.connect(port: server.port, loop: loop)
            client.send("POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel")
            try await Task.sleep(for: .milliseconds(20))
            client.send("lo\r\n6;ext=1\r\n world\r\n")
            try await Task.sleep(for: .milliseconds(20))
            client.send("0\r\nX-Checksum: 1\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.text == "hello world")
        }
    }

    @Test func headHasTheLengthButNoBody() async throws {
        try await withHTTPTestServer { server, loop in
            let client = try await HTTPTestClient.connect(port: server.port, loop: loop)
            client.send("HEAD /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhelloGET /y HTTP/1.1\r\nHost: a\r\n\r\n")
            let head = try await client.readResponse(headRequest: true)
            #expect(head.headers["content-length"] == "5")
            #expect(head.body.isEmpty)
            let next = try await client.readResponse()
            #expect(next.headers["x-echo"] == "GET /y")  // no stray body bytes in between
            #expect(client.unread.isEmpty)
        }
    }

    @Test func expectContinue() async throws {
        let configuration = HTTPServer.Configuration(limits: HTTPParser.Limits(maxBodySize: 1000))
        try await withHTTPTestServer(configuration: configuration) { server, loop in
            let client = try await HTTPTestClient.connect(port: server.port, loop: loop)
            client.send("POST /e HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
            let interim = try await client.readResponse()
            #expect(interim.status == 100)
            client.send("hello")
            #expect(try await client.readResponse().text == "hello")

            // Refused from the head: the final status comes instead of 100, and the connection closes.
            let refused = try await HTTPTestClient.connect(port: server.port, loop: loop)
            refused.send("POST /e HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n")
            let final = try await refused.readResponse()
            #expect(final.status == 413)
            #expect(final.text.contains("PAYLOAD_TOO_LARGE"))
            #expect(await refused.waitForClose())
        }
    }

    @Test func parserErrorsAnswerJSONAndClose() async throws {
        let cases: [(String, Int, String)] = [
            ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 400, "BAD_REQUEST"),
            ("GET / HTTP/1.1\r\nHost: a\r\nX: " + String(repeating: "x", count: 20_000) + "\r\n\r\n", 431, "HEADERS_TOO_LARGE"),
            ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501, "NOT_IMPLEMENTED"),
            ("GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505, "HTTP_VERSION_NOT_SUPPORTED"),
            ("GET / HTTP/1.1\nHost: a\n\n", 400, "BAD_REQUEST"),
        ]
        try await withHTTPTestServer { server, loop in
            for (request, status, code) in cases {
                let client = try await HTTPTestClient.connect(port: server.port, loop: loop)
                client.send(request)
                let response = try await client.readResponse()
                #expect(response.status == status)
                #expect(response.headers["connection"] == "close")
                #expect(response.headers["content-type"] == "application/json; charset=utf-8")
                #expect(response.text.hasPrefix(#"{"error":"\#(code)","message":"#))
                #expect(await client.waitForClose())
            }
        }
    }

    @Test func errorAfterPipelinedRequestComesAfterItsResponse() async throws {
        let responder = HTTPTestResponder { request, _ in
            try? await Task.sleep(for: .milliseconds(100))
            return HTTPResponse(status: .ok, body: Array("first".utf8))
        }
        try await withHTTPTestServer(responder: responder) { server, loop in
            let client = try await HTTPTestClient.connect(port: server.port, loop: loop)
            client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost : a\r\n\r\n")
            #expect(try await client.readResponse().text == "first")
            #expect(try await client.readResponse().status == 400)
            #expect(await client.waitForClose())
        }
    }

    @Test func halfClosedClientStillGetsItsAnswers() async throws {
        try await withHTTPTestServer { server, loop in
            let client = try await HTTPTestClient.connect(port: server.port, loop: loop)
            client.send("GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n")
            try await Task.sleep(for: .milliseconds(20))
            #expect(try await client.readResponse().headers["x-echo"] == "GET /1")
            #expect(try await client.readResponse().headers["x-echo"] == "GET /2")
        }
    }

    @Test func contextReportsThePeer() async throws {
        let responder = HTTPTestResponder { _, context in
            #expect(context.eventLoop.inEventLoop)  // the responder runs on the connection's loop
            return HTTPResponse(body: Array("\(context.remoteAddress?.host ?? "-") \(context.isSecure)".utf8))
        }
        try await withHTTPTestServer(responder: responder) { server, loop in
            let client = try await HTTPTestClient.connect(port: server.port, loop: loop)
            client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await client.readResponse().text == "127.0.0.1 false")
        }
    }

    @Test func floodWhileReadingIsPausedIsBounded() async throws {
        let configuration = HTTPServer.Configuration(
            limits: HTTPParser.Limits(maxHeadSize: 1024, maxBodySize: 0), maxPipelinedRequests: 1)
        let responder = HTTPTestResponder { _, _ in
            try? await Task.sleep(for: .milliseconds(200))
            return HTTPResponse(body: Array("slow".utf8))
        }
        try await withHTTPTestServer(configuration: configuration, responder: responder) { server, loop in
            let client = try await HTTPTestClient.connect(port: server.port, loop: loop)
            let request = "GET / HTTP/1.1\r\nHost: a\r\n\r\n"
            client.send(String(repeating: request, count: 100_000 / request.utf8.count))
            let first = try await client.readResponse()
            #expect(first.text == "slow")
            #expect(first.headers["connection"] == "close")
            #expect(await client.waitForClose())
        }
    }
}
