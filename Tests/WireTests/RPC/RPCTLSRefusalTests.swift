import Testing

@testable import Wire

@Suite("RPC mutual TLS refusals")
struct RPCTLSRefusalTests {
    /// Fails a call with `tls` and returns its error; then checks a good client still gets through.
    private func refusal(tls: (RPCTestMesh) throws -> TLSContext, serverName: String? = nil) async throws -> WireError? {
        let mesh = try RPCTestMesh()
        let server = try RPCTestServer(mesh: mesh)
        let bad = try RPCTestClient(mesh: mesh, ports: [server.port], tls: try tls(mesh), serverName: serverName)
        let start = ContinuousClock.now
        let error = await rpcWireError { _ = try await bad.echo.echo(EchoMessage(text: "x"), rpcContext()) }
        #expect(ContinuousClock.now - start < .seconds(2))
        // Fails fast while backing off, with the same typed error.
        let again = await rpcWireError { _ = try await bad.echo.echo(EchoMessage(text: "x"), rpcContext()) }
        #expect(again?.code == .unavailable)
        // The server is unaffected.
        let good = try RPCTestClient(mesh: mesh, ports: [server.port])
        #expect(try await good.echo.echo(EchoMessage(text: "fine"), rpcContext()).text == "fine")
        #expect(server.probe.started == 0)
        await bad.stop()
        await good.stop()
        await server.stop()
        return error
    }

    @Test func clientWithoutCertificateIsRefused() async throws {
        let error = try await refusal { mesh in try TLSContext.clientWithoutCertificate(trustRoots: Array(mesh.ca.certificatePEM.utf8)) }
        #expect(error?.code == .unavailable)
        #expect(error?.details?["cause"]?.contains("certificate") == true)
        #expect(error?.details?["endpoint"] != nil)
    }

    @Test func clientFromAnotherCAIsRefused() async throws {
        let error = try await refusal { mesh in
            let other = try RPCTestMesh(name: "Other CA")
            let issued = try other.ca.issue(serviceName: "router", dnsNames: [], ipAddresses: [], validity: .days(1))
            return try TLSContext.client(certificateChain: issued.certificatePEM, privateKey: issued.privateKeyPEM,
                                         trustRoots: mesh.ca.certificatePEM)
        }
        #expect(error?.code == .unavailable)
        #expect(error?.details?["cause"]?.contains("certificate") == true)
    }

    @Test func wrongServerNameIsRefused() async throws {
        let error = try await refusal(tls: { mesh in try mesh.client("router") }, serverName: "billing")
        #expect(error?.code == .unavailable)
        #expect(error?.details?["cause"]?.contains("name mismatch") == true)
    }
}
