import Testing

@testable import Wire

/// Echoes what the client sent: method and target, the headers it set, the TCP peer (to see reuse), the body.
private let inspector = HTTPTestResponder { request, context in
    var response = HTTPResponse(status: .ok, body: request.body)
    response.headers.add(name: "X-Echo", value: "\(request.method) \(request.target)")
    response.headers.add(name: "X-Host", value: request.headers["host"] ?? "")
    response.headers.add(name: "X-Agent", value: request.headers["user-agent"] ?? "")
    response.headers.add(name: "X-Length", value: request.headers["content-length"] ?? "none")
    response.headers.add(name: "X-Peer", value: "\(context.remoteAddress?.port ?? 0)")
    if request.target == "/redirect" {
        response = HTTPResponse(status: .init(code: 302), headers: ["Location": "/elsewhere"])
    }
    return response
}

@Suite("HTTP client against the project's HTTP server")
struct HTTPClientTests {
    @Test func sendsFramingHeadersAndReusesTheConnection() async throws {
        try await withHTTPTestServer(responder: inspector) { server, _ in
            try await withHTTPTestClient { client in
                let url = "http://127.0.0.1:\(server.port)"
                var peers: Set<String> = []
                for index in 0..<3 {
                    let response = try await client.send(try HTTPClientRequest(url: "\(url)/r\(index)?q=1"))
                    #expect(response.status == 200)
                    #expect(response.headers["x-echo"] == "GET /r\(index)?q=1")
                    #expect(response.headers["x-host"] == "127.0.0.1:\(server.port)")
                    #expect(response.headers["x-agent"] == "purrpurr/1")
                    #expect(response.headers["x-length"] == "none")
                    peers.insert(response.headers["x-peer"] ?? "")
                }
                #expect(peers.count == 1)
                #expect(client.openConnectionCount(to: try HTTPClientURL(url)) == 1)
                let posted = try await client.send(
                    try HTTPClientRequest(method: .post, url: "\(url)/in", headers: ["Content-Type": "text/plain"], body: [1, 2, 3]))
                #expect(posted.headers["x-length"] == "3")
                #expect(posted.body == [1, 2, 3])
                #expect(posted.headers["x-peer"] == peers.first)
            }
        }
    }

    @Test func largeBodiesBothWays() async throws {
        let body = (0..<700_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try await withHTTPTestServer(responder: inspector) { server, _ in
            try await withHTTPTestClient(.init(maxResponseBytes: 1 << 20)) { client in
                let request = try HTTPClientRequest(method: .put, url: "http://127.0.0.1:\(server.port)/big", body: body)
                let response = try await client.send(request)
                #expect(response.body == body)
            }
        }
    }

    @Test func aBodyOverTheCapFailsAndTheNextRequestUsesANewConnection() async throws {
        try await withHTTPTestServer(responder: inspector) { server, _ in
            try await withHTTPTestClient(.init(maxResponseBytes: 1000)) { client in
                let url = "http://127.0.0.1:\(server.port)/echo"
                let error = await #expect(throws: HTTPClientError.self) {
                    try await client.send(try HTTPClientRequest(method: .post, url: url, body: Array(repeating: 7, count: 5000)))
                }
                #expect(error?.code == .responseTooLarge)
                #expect(client.openConnectionCount(to: try HTTPClientURL(url)) == 0)
                let next = try await client.send(try HTTPClientRequest(url: url))
                #expect(next.status == 200)
            }
        }
    }

    @Test func redirectsAreNotFollowed() async throws {
        try await withHTTPTestServer(responder: inspector) { server, _ in
            try await withHTTPTestClient { client in
                let response = try await client.send(try HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/redirect"))
                #expect(response.status == 302)
                #expect(response.headers["location"] == "/elsewhere")
            }
        }
    }

    @Test func malformedRequestsAreRefusedBeforeConnecting() throws {
        #expect(throws: HTTPClientError.self) { try HTTPClientRequest(url: "ftp://example.com/") }
        #expect(throws: HTTPClientError.self) { try HTTPClientRequest(url: "https://user@example.com/") }
        #expect(throws: HTTPClientError.self) { try HTTPClientRequest(url: "https://example.com:99999/") }
        let injected = try HTTPClientRequest(url: "https://example.com/", headers: ["X-A": "a\r\nX-B: b"])
        #expect(throws: HTTPClientError.self) { try HTTPRequestEncoder.encode(injected) }
        let framing = try HTTPClientRequest(url: "https://example.com/", headers: ["Transfer-Encoding": "chunked"])
        #expect(throws: HTTPClientError.self) { try HTTPRequestEncoder.encode(framing) }
        let url = try HTTPClientURL("HTTPS://[::1]:8443?x=1#frag")
        #expect(url.host == "::1")
        #expect(url.port == 8443)
        #expect(url.target == "/?x=1")
        #expect(url.hostHeader == "[::1]:8443")
    }
}
