import Testing
@testable import Wire

@Suite("TLSSession handshake and data")
struct TLSSessionTests {
    @Test func handshakeCompletesAndNamesBothPeers() throws {
        let mesh = try TLSTestMesh()
        let pipe = try TLSPipe(client: mesh.client("router"), server: mesh.server("identity"))
        let (client, server) = pipe.pump()
        #expect(try client.get() == .established)
        #expect(try server.get() == .established)
        #expect(pipe.client.handshakeComplete && pipe.server.handshakeComplete)
        #expect(pipe.client.peerIdentity == "identity")
        #expect(pipe.server.peerIdentity == "router")
        #expect(!pipe.client.hasPendingCiphertext && !pipe.server.hasPendingCiphertext)
    }

    @Test func dataFlowsBothWays() throws {
        let mesh = try TLSTestMesh()
        let pipe = try TLSPipe(client: mesh.client("router"), server: mesh.server("identity"))
        pipe.pump()
        try pipe.client.write(Array("ping".utf8))
        try pipe.server.write(Array("pong".utf8))
        pipe.pump()
        #expect(pipe.serverReceived == Array("ping".utf8))
        #expect(pipe.clientReceived == Array("pong".utf8))
    }

    @Test func oneMebibyteMessageBothWays() throws {
        let mesh = try TLSTestMesh()
        let pipe = try TLSPipe(client: mesh.client("router"), server: mesh.server("identity"))
        pipe.pump()
        let big = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        try pipe.client.write(big)
        try pipe.server.write(big.reversed())
        let (client, server) = pipe.pump()
        #expect(try client.get() == .established)
        #expect(try server.get() == .established)
        #expect(pipe.serverReceived == big)
        #expect(pipe.clientReceived == big.reversed())
    }

    @Test func manySmallWritesArriveInOrder() throws {
        let mesh = try TLSTestMesh()
        let pipe = try TLSPipe(client: mesh.client("router"), server: mesh.server("identity"))
        pipe.pump()
        var expected: [UInt8] = []
        for index in 0..<2_000 {
            let message = Array("m\(index);".utf8)
            expected += message
            try pipe.client.write(message)
            if index % 500 == 499 { pipe.pump() }
        }
        pipe.pump()
        #expect(pipe.serverReceived == expected)
    }

    @Test func plaintextWrittenDuringHandshakeIsSentAfterIt() throws {
        let mesh = try TLSTestMesh()
        let pipe = try TLSPipe(client: mesh.client("router"), server: mesh.server("identity"))
        try pipe.client.write(Array("early".utf8))
        #expect(!pipe.client.handshakeComplete)
        pipe.pump()
        #expect(pipe.serverReceived == Array("early".utf8))
    }

    @Test func truncatedRecordThenTheRestIsDelivered() throws {
        let mesh = try TLSTestMesh()
        let pipe = try TLSPipe(client: mesh.client("router"), server: mesh.server("identity"))
        pipe.pump()
        try pipe.client.write(Array("hello, split record".utf8))
        let record = pipe.ciphertext(of: pipe.client)
        #expect(record.count > 10)
        // Split inside the 5-byte record header, then one byte short of the end.
        #expect(try pipe.deliver(Array(record[..<3]), toServer: true).get() == .established)
        #expect(pipe.serverReceived.isEmpty)
        #expect(try pipe.deliver(Array(record[3..<(record.count - 1)]), toServer: true).get() == .established)
        #expect(pipe.serverReceived.isEmpty)
        #expect(try pipe.deliver([record[record.count - 1]], toServer: true).get() == .established)
        #expect(pipe.serverReceived == Array("hello, split record".utf8))
    }

    @Test func handshakeFedOneByteAtATime() throws {
        let mesh = try TLSTestMesh()
        let pipe = try TLSPipe(client: mesh.client("router"), server: mesh.server("identity"))
        _ = try pipe.client.readPlaintext { _ in }
        var rounds = 0
        while !(pipe.client.handshakeComplete && pipe.server.handshakeComplete), rounds < 20 {
            rounds += 1
            for byte in pipe.ciphertext(of: pipe.client) { _ = try pipe.deliver([byte], toServer: true).get() }
            for byte in pipe.ciphertext(of: pipe.server) { _ = try pipe.deliver([byte], toServer: false).get() }
        }
        #expect(pipe.client.peerIdentity == "identity" && pipe.server.peerIdentity == "router")
    }

    @Test func closeNotifyReportsClosed() throws {
        let mesh = try TLSTestMesh()
        let pipe = try TLSPipe(client: mesh.client("router"), server: mesh.server("identity"))
        pipe.pump()
        try pipe.client.write(Array("last words".utf8))
        pipe.client.shutdown()
        let (_, server) = pipe.pump()
        #expect(try server.get() == .closed)
        #expect(pipe.serverReceived == Array("last words".utf8))
        #expect(throws: TLSError.self) { try pipe.client.write([1]) }
        let error = try #require(throws: TLSError.self) { try pipe.server.write([1]) }
        #expect(error.code == .closed)
        pipe.server.shutdown()
        let (client, _) = pipe.pump()
        #expect(try client.get() == .closed)
        #expect(try pipe.server.readPlaintext { _ in } == .closed)
    }

    @Test func ipAddressServerNameIsChecked() throws {
        let mesh = try TLSTestMesh()
        let good = try TLSPipe(client: mesh.client("router"), server: mesh.server("identity"), serverName: "127.0.0.1")
        #expect(try good.pump().client.get() == .established)
        let bad = try TLSPipe(client: mesh.client("router"), server: mesh.server("identity"), serverName: "127.0.0.2")
        #expect(bad.pump().client.tlsError == TLSError(.certificateRejected, reason: "name mismatch"))
    }

    @Test func publicServerNeedsNoClientCertificate() throws {
        let mesh = try TLSTestMesh()
        let cert = try mesh.issue("router")
        let server = try TLSContext.server(certificateChain: cert.certificatePEM, privateKey: cert.privateKeyPEM,
                                           trustRoots: nil, requireClientCertificate: false)
        let client = try TLSContext.clientWithoutCertificate(trustRoots: Array(mesh.ca.certificatePEM.utf8))
        let pipe = try TLSPipe(client: client, server: server, serverName: "router")
        let (clientProgress, serverProgress) = pipe.pump()
        #expect(try clientProgress.get() == .established)
        #expect(try serverProgress.get() == .established)
        #expect(pipe.client.peerIdentity == "router")
        #expect(pipe.server.peerIdentity == nil)
    }

    @Test func sessionsRequireTheRightServerNameArgument() throws {
        let mesh = try TLSTestMesh()
        let client = try mesh.client("router")
        let server = try mesh.server("identity")
        #expect(throws: TLSError.self) { try TLSSession(context: client, serverName: nil) }
        #expect(throws: TLSError.self) { try TLSSession(context: server, serverName: "identity") }
        #expect(throws: TLSError.self) { try TLSSession(context: client, serverName: "") }
    }
}
