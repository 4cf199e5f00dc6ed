import Testing

@testable import Wire

/// Python's `http.server` over TLS, its certificate from a test CA the client trusts as an extra root.
@Suite("HTTP client over TLS against Python's http.server")
struct HTTPClientTLSTests {
    /// A client trusting `ca` (besides the system's roots) whose resolver sends every name to 127.0.0.1 —
    /// the seam an outbound guard uses — so certificates can name real-looking hosts.
    private func withClient<T>(
        trusting ca: CertificateAuthority, _ body: (HTTPClient) async throws -> T
    ) async throws -> T {
        let tls = try TLSContext.publicClient(extraTrustRoots: Array(ca.certificatePEM.utf8))
        let configuration = HTTPClient.Configuration(tls: tls) { url in
            [try SocketAddress(ipAddress: "127.0.0.1", port: url.port)]
        }
        return try await withHTTPTestClient(configuration, body)
    }

    @Test func getsPostsAndChunksOverTLSWithSNIOnOneConnection() async throws {
        let ca = try CertificateAuthority.generate(commonName: "HTTP client test CA", validity: .days(1))
        let server = try await PythonHTTPSServer.start(ca: ca, dnsNames: ["hooks.example.test"])
        defer { server.stop() }
        try await withClient(trusting: ca) { client in
            let base = "https://hooks.example.test:\(server.port)"
            let got = try await client.send(try HTTPClientRequest(url: "\(base)/in?x=1"))
            #expect(got.status == 200)
            #expect(String(decoding: got.body, as: UTF8.self) == "sni=hooks.example.test path=/in?x=1")
            let posted = try await client.send(try HTTPClientRequest(method: .post, url: base + "/", body: Array("payload".utf8)))
            #expect(posted.body == Array("payload".utf8))
            let chunked = try await client.send(try HTTPClientRequest(url: base + "/chunked"))
            #expect(chunked.body == Array("hello, chunked".utf8))
            #expect(client.openConnectionCount(to: try HTTPClientURL(base)) == 1)
        }
    }

    @Test func aCertificateForAnotherNameIsRefused() async throws {
        let ca = try CertificateAuthority.generate(commonName: "HTTP client test CA", validity: .days(1))
        let server = try await PythonHTTPSServer.start(ca: ca, dnsNames: ["hooks.example.test"])
        defer { server.stop() }
        let error = try await withClient(trusting: ca) { client in
            await #expect(throws: HTTPClientError.self) {
                try await client.send(try HTTPClientRequest(url: "https://other.example.test:\(server.port)/"))
            }
        }
        #expect(error?.code == .tlsFailed)
    }

    @Test func anUntrustedCAIsRefused() async throws {
        let ca = try CertificateAuthority.generate(commonName: "HTTP client test CA", validity: .days(1))
        let stranger = try CertificateAuthority.generate(commonName: "Someone else", validity: .days(1))
        let server = try await PythonHTTPSServer.start(ca: ca, dnsNames: ["hooks.example.test"])
        defer { server.stop() }
        let error = try await withClient(trusting: stranger) { client in
            await #expect(throws: HTTPClientError.self) {
                try await client.send(try HTTPClientRequest(url: "https://hooks.example.test:\(server.port)/"))
            }
        }
        #expect(error?.code == .tlsFailed)
    }
}
