import Synchronization
import Testing

@testable import Wire

@Suite("HTTP server timeouts, TLS and shutdown")
struct HTTPServerLifecycleTests {
    @Test func requestNotReceivedInTimeGets408() async throws {
        let configuration = HTTPServer.Configuration(requestTimeout: .milliseconds(200))
        try await withHTTPTestServer(configuration: configuration) { server, loop in
            let client = try await HTTPTestClient.connect(port: server.port, loop: loop)
            let started = ContinuousClock.now
            client.send("GET / HTTP/1.1\r\nHost: a\r\n")  // never finished
            for _ in 0..<3 {  // trickling bytes does not reset the clock
                try await Task.sleep(for: .milliseconds(50))
                client.send("X: 1\r\n")
            }
            let response = try await client.readResponse()
            #expect(response.status == 408)
            #expect(response.text.contains("REQUEST_TIMEOUT"))
            #expect(ContinuousClock.now - started < .seconds(10))  // generous: only that the timer fires, not how fast
            #expect(await client.waitForClose())
        }
    }

    @Test func idleKeepAliveConnectionsClose() async throws {
        // Margins: on a loaded 2-core machine the client may take a while to send its first request, and an
        // idle timeout shorter than that would close the connection before the request arrives.
        let configuration = HTTPServer.Configuration(requestTimeout: .seconds(5), idleTimeout: .milliseconds(1500))
        try await withHTTPTestServer(configuration: configuration) { server, loop in
            let client = try await HTTPTestClient.connect(
                port: server.port, loop: loop, sendingOnConnect: "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await client.readResponse().status == 200)
            #expect(await client.waitForClose(timeout: .seconds(10)))
            #expect(client.unread.isEmpty)  // closed quietly, no 408
            // A client that never sends a byte is closed too.
            let silent = try await HTTPTestClient.connect(port: server.port, loop: loop)
            #expect(await silent.waitForClose(timeout: .seconds(10)))
        }
    }

    @Test func slowResponderIsNotAnIdleConnection() async throws {
        // Margins: under parallel tests the client may take a while to send its request.
        let configuration = HTTPServer.Configuration(requestTimeout: .milliseconds(1500), idleTimeout: .milliseconds(1500))
        let responder = HTTPTestResponder { _, _ in
            try? await Task.sleep(for: .milliseconds(3500))
            return HTTPResponse(body: Array("late".utf8))
        }
        try await withHTTPTestServer(configuration: configuration, responder: responder) { server, loop in
            let client = try await HTTPTestClient.connect(
                port: server.port, loop: loop, sendingOnConnect: "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await client.readResponse(timeout: .seconds(15)).text == "late")
        }
    }

    @Test func httpsWithoutClientCertificates() async throws {
        let ca = try CertificateAuthority.generate(commonName: "HTTP test CA", validity: .days(1))
        let issued = try ca.issue(serviceName: "router", dnsNames: [], ipAddresses: ["127.0.0.1"], validity: .days(1))
        let serverContext = try TLSContext.server(
            certificateChain: issued.certificatePEM, privateKey: issued.privateKeyPEM, trustRoots: nil,
            requireClientCertificate: false)
        let clientContext = try TLSContext.clientWithoutCertificate(trustRoots: Array(ca.certificatePEM.utf8))
        let responder = HTTPTestResponder { request, context in
            HTTPResponse(body: Array("secure=\(context.isSecure) \(request.body.count)".utf8))
        }
        try await withHTTPTestServer(tls: serverContext, responder: responder) { server, loop in
            let client = try await HTTPTestClient.connect(
                port: server.port, loop: loop, tls: clientContext, serverName: "router")
            client.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc")
            #expect(try await client.readResponse().text == "secure=true 3")
            client.send("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            #expect(try await client.readResponse().text == "secure=true 0")
            #expect(await client.waitForClose())
        }
    }

    @Test func gracefulShutdownFinishesRequestsInFlight() async throws {
        let started = Mutex(false)
        let responder = HTTPTestResponder { request, _ in
            if request.path == "/slow" {
                started.withLock { $0 = true }
                try? await Task.sleep(for: .milliseconds(300))
            }
            return HTTPResponse(body: Array(request.path.utf8))
        }
        let group = try EventLoopGroup(loopCount: 1)
        let loop = group.loops[0]
        let server = try HTTPServer(host: "127.0.0.1", port: 0, group: group, responder: responder)
        let busy = try await HTTPTestClient.connect(port: server.port, loop: loop)
        let idle = try await HTTPTestClient.connect(port: server.port, loop: loop)
        idle.send("GET /idle HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(try await idle.readResponse().text == "/idle")
        busy.send("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n")
        while !started.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(2)) }
        #expect(server.connectionCount == 2)

        let shutdownStarted = ContinuousClock.now
        await server.shutdown(timeout: .seconds(5))
        #expect(ContinuousClock.now - shutdownStarted < .seconds(3))
        #expect(server.connectionCount == 0)
        #expect(await idle.waitForClose())
        let response = try await busy.readResponse()
        #expect(response.text == "/slow")
        #expect(response.headers["connection"] == "close")
        #expect(await busy.waitForClose())
        // No longer accepting.
        await #expect(throws: (any Error).self) {
            _ = try await HTTPTestClient.connect(port: server.port, loop: loop)
        }
        await group.shutdownGracefully()
    }

    @Test func shutdownTimeoutAbortsStuckRequests() async throws {
        let responder = HTTPTestResponder { _, _ in
            try? await Task.sleep(for: .seconds(3))
            return HTTPResponse()
        }
        let group = try EventLoopGroup(loopCount: 1)
        let server = try HTTPServer(host: "127.0.0.1", port: 0, group: group, responder: responder)
        let client = try await HTTPTestClient.connect(port: server.port, loop: group.loops[0])
        client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        try await Task.sleep(for: .milliseconds(50))
        let started = ContinuousClock.now
        await server.shutdown(timeout: .milliseconds(200))
        #expect(ContinuousClock.now - started < .seconds(10))  // generous: only that the timer fires, not how fast
        #expect(server.connectionCount == 0)
        #expect(await client.waitForClose())
        await group.shutdownGracefully()
    }
}
