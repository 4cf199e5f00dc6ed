import Testing

@testable import Wire

@Suite("TCP over TLS")
struct TCPTLSTests {
    /// A CA and the server/client contexts it makes (each test makes its own).
    private struct Mesh {
        let ca: CertificateAuthority

        init() throws {
            self.ca = try CertificateAuthority.generate(commonName: "TCP test CA", validity: .days(1))
        }

        func server(_ service: String) throws -> TLSContext {
            let issued = try self.ca.issue(
                serviceName: service, dnsNames: [], ipAddresses: ["127.0.0.1"], validity: .days(1))
            return try TLSContext.server(
                certificateChain: issued.certificatePEM, privateKey: issued.privateKeyPEM,
                trustRoots: self.ca.certificatePEM)
        }

        func client(_ service: String) throws -> TLSContext {
            let issued = try self.ca.issue(serviceName: service, dnsNames: [], ipAddresses: [], validity: .days(1))
            return try TLSContext.client(
                certificateChain: issued.certificatePEM, privateKey: issued.privateKeyPEM,
                trustRoots: self.ca.certificatePEM)
        }
    }

    @Test func mutualTLSEchoWithPeerIdentities() async throws {
        let mesh = try Mesh()
        let group = try EventLoopGroup(loopCount: 2)
        defer { group.syncShutdownGracefully() }
        let servers = TCPProbeBox()
        let listener = try TCPListener(
            host: "127.0.0.1", port: 0, group: group, tls: try mesh.server("identity")
        ) { connection in
            let probe = TCPProbe(loop: connection.eventLoop)
            probe.onReceive = { connection, bytes in connection.write(bytes) }
            servers.add(probe)
            return probe
        }
        let clientContext = try mesh.client("router")
        let loop = group.loops[0]
        let payload = tcpTestPattern(1 << 20)
        let outcome = try await tcpTestRun(on: loop) { () async throws -> (String?, [UInt8], [UInt8]) in
            let probe = TCPProbe(loop: loop)
            let client = try await TCPConnector.connect(
                host: "127.0.0.1", port: listener.port, on: loop, tls: clientContext, serverName: "identity"
            ) { _ in probe }
            #expect(probe.isActive)
            for index in 0..<100 { client.write([UInt8(index)]) }  // coalesced into one record
            _ = await probe.until { $0.received.count >= 100 }
            let small = probe.received
            probe.received = []
            client.write(payload)
            _ = await probe.until(timeout: .seconds(30)) { $0.received.count >= payload.count }
            client.close()
            return (client.peerIdentity, small, probe.received)
        }
        #expect(outcome.0 == "identity")
        #expect(outcome.1 == (0..<100).map { UInt8($0) })
        #expect(outcome.2 == payload)
        let server = try #require(servers.all.first)
        let serverIdentity = try await tcpTestRun(on: server.loop) { server.connection?.peerIdentity }
        #expect(serverIdentity == "router")
        listener.close()
    }

    @Test func wrongServerNameFailsTheConnect() async throws {
        let mesh = try Mesh()
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.syncShutdownGracefully() }
        let listener = try TCPListener(
            host: "127.0.0.1", port: 0, group: group, tls: try mesh.server("identity")
        ) { _ in TCPEchoHandler() }
        let clientContext = try mesh.client("router")
        await #expect(throws: TLSError.self) {
            _ = try await TCPConnector.connect(
                host: "127.0.0.1", port: listener.port, on: group.loops[0], tls: clientContext, serverName: "billing"
            ) { _ in TCPEchoHandler() }
        }
        listener.close()
    }

    @Test func clientFromAnotherMeshIsRefused() async throws {
        let mesh = try Mesh()
        let stranger = try Mesh()
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.syncShutdownGracefully() }
        let servers = TCPProbeBox()
        let listener = try TCPListener(
            host: "127.0.0.1", port: 0, group: group, tls: try mesh.server("identity")
        ) { connection in
            let probe = TCPProbe(loop: connection.eventLoop)
            servers.add(probe)
            return probe
        }
        // The stranger trusts our CA (so it would accept the server) but its own certificate is not ours.
        let issued = try stranger.ca.issue(serviceName: "router", dnsNames: [], ipAddresses: [], validity: .days(1))
        let clientContext = try TLSContext.client(
            certificateChain: issued.certificatePEM, privateKey: issued.privateKeyPEM,
            trustRoots: mesh.ca.certificatePEM)
        let loop = group.loops[0]
        let clientOutcome = try await tcpTestRun(on: loop) { () async throws -> Bool in
            let probe = TCPProbe(loop: loop)
            // TLS 1.3: the client may finish its side before the server rejects it; either way it is closed.
            let client = try? await TCPConnector.connect(
                host: "127.0.0.1", port: listener.port, on: loop, tls: clientContext, serverName: "identity"
            ) { _ in probe }
            client?.write([1])
            return await probe.until { $0.closed }
        }
        #expect(clientOutcome)
        let server = try #require(servers.all.first)
        let serverSaw = try await tcpTestRun(on: loop) { () async -> (Bool, Bool, Bool) in
            _ = await server.until { $0.closed }
            return (server.isActive, server.closed, server.closeError is TLSError)
        }
        #expect(serverSaw == (false, true, true))
        listener.close()
    }

    @Test func handshakeTimeoutClosesASilentPeer() async throws {
        let mesh = try Mesh()
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.syncShutdownGracefully() }
        let servers = TCPProbeBox()
        let options = ConnectionOptions(handshakeTimeout: .milliseconds(150))
        let listener = try TCPListener(
            host: "127.0.0.1", port: 0, group: group, options: options, tls: try mesh.server("identity")
        ) { connection in
            let probe = TCPProbe(loop: connection.eventLoop)
            servers.add(probe)
            return probe
        }
        let loop = group.loops[0]
        let outcome = try await tcpTestRun(on: loop) { () async throws -> (Bool, String) in
            let probe = TCPProbe(loop: loop)
            // Plain TCP client: connects, never says hello.
            _ = try await TCPConnector.connect(host: "127.0.0.1", port: listener.port, on: loop) { _ in probe }
            let closed = await probe.until(timeout: .seconds(5)) { $0.closed }
            let server = servers.all.first
            return (closed, String(describing: server?.closeError))
        }
        #expect(outcome.0)
        #expect(outcome.1.contains("handshake timed out"))
        listener.close()
    }

    @Test func plaintextGarbageToATLSServerIsATLSError() async throws {
        let mesh = try Mesh()
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.syncShutdownGracefully() }
        let servers = TCPProbeBox()
        let listener = try TCPListener(
            host: "127.0.0.1", port: 0, group: group, tls: try mesh.server("identity")
        ) { connection in
            let probe = TCPProbe(loop: connection.eventLoop)
            servers.add(probe)
            return probe
        }
        let loop = group.loops[0]
        let outcome = try await tcpTestRun(on: loop) { () async throws -> (Bool, Bool) in
            let probe = TCPProbe(loop: loop)
            let client = try await TCPConnector.connect(host: "127.0.0.1", port: listener.port, on: loop) { _ in probe }
            client.write(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
            let closed = await probe.until { $0.closed }
            guard let server = servers.all.first else { return (closed, false) }
            _ = await server.until { $0.closed }
            return (closed, server.closeError is TLSError)
        }
        #expect(outcome.0)
        #expect(outcome.1)
        listener.close()
    }
}
