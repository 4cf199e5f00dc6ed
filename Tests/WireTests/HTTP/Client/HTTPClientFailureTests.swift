import Testing

@testable import Wire

private let ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"

@Suite("HTTP client: stalls, closes, retries, cancellation")
struct HTTPClientFailureTests {
    @Test func aServerThatNeverAnswersHitsTheHeadTimeout() async throws {
        let server = try ScriptedHTTPServer { _ in .stall }
        let error = try await withHTTPTestClient(.init(responseHeadTimeout: .milliseconds(200))) { client in
            await #expect(throws: HTTPClientError.self) {
                try await client.send(try HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/"))
            }
        }
        #expect(error?.code == .responseHeadTimeout)
        #expect(await server.wait { server.closed == 1 })
        await server.stop()
    }

    @Test func aBodyThatNeverEndsHitsTheExchangeTimeout() async throws {
        let server = try ScriptedHTTPServer { _ in .bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc") }
        let error = try await withHTTPTestClient { client in
            await #expect(throws: HTTPClientError.self) {
                try await client.send(try HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/"), timeout: .milliseconds(300))
            }
        }
        #expect(error?.code == .timeout)
        #expect(await server.wait { server.closed == 1 })
        await server.stop()
    }

    @Test func cancellationClosesTheConnection() async throws {
        let server = try ScriptedHTTPServer { _ in .stall }
        try await withHTTPTestClient { client in
            let task = Task { try await client.send(try HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/")) }
            #expect(await server.wait { server.accepted == 1 })
            task.cancel()
            let result = await task.result
            #expect((try? result.get()) == nil)
            #expect(await server.wait { server.closed == 1 })
        }
        await server.stop()
    }

    @Test func anIdempotentRequestIsRetriedOnceWhenAReusedConnectionWasClosed() async throws {
        // Every connection answers its first request, then closes on the second without a word.
        let server = try ScriptedHTTPServer { $0 == 1 ? .bytes(ok) : .close }
        try await withHTTPTestClient { client in
            let url = "http://127.0.0.1:\(server.port)/"
            let first = try await client.send(try HTTPClientRequest(url: url))
            let retried = try await client.send(try HTTPClientRequest(url: url))
            #expect(first.status == 200)
            #expect(retried.status == 200)
            #expect(server.accepted == 2)
            // A POST is not retried: the server may have acted on it.
            let error = await #expect(throws: HTTPClientError.self) {
                try await client.send(try HTTPClientRequest(method: .post, url: url, body: [1]))
            }
            #expect(error?.code == .connectionClosed)
            #expect(server.accepted == 2)
        }
        await server.stop()
    }

    @Test func aResponseWithoutLengthIsReadUntilClose() async throws {
        let server = try ScriptedHTTPServer { _ in .bytesThenClose("HTTP/1.1 200 OK\r\nX: y\r\n\r\nto the end") }
        try await withHTTPTestClient { client in
            let url = "http://127.0.0.1:\(server.port)/"
            let response = try await client.send(try HTTPClientRequest(url: url))
            #expect(response.body == Array("to the end".utf8))
            #expect(response.keepAlive == false)
            #expect(client.openConnectionCount(to: try HTTPClientURL(url)) == 0)
        }
        await server.stop()
    }

    @Test func nothingListeningIsConnectFailed() async throws {
        let server = try ScriptedHTTPServer { _ in .stall }
        let port = server.port
        await server.stop()
        let error = try await withHTTPTestClient { client in
            await #expect(throws: HTTPClientError.self) {
                try await client.send(try HTTPClientRequest(url: "http://127.0.0.1:\(port)/"))
            }
        }
        #expect(error?.code == .connectFailed)
    }
}
