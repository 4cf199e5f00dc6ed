import Foundation
import Testing
@testable import Wire

@Suite("TLSSession refusals")
struct TLSRefusalTests {
    @Test func serverRefusesClientWithoutCertificate() throws {
        let mesh = try TLSTestMesh()
        let client = try TLSContext.clientWithoutCertificate(trustRoots: Array(mesh.ca.certificatePEM.utf8))
        let pipe = try TLSPipe(client: client, server: mesh.server("identity"))
        let (clientResult, serverResult) = pipe.pump()
        #expect(serverResult.tlsError == TLSError(.certificateRejected, reason: "no certificate"))
        #expect(clientResult.tlsError == TLSError(.certificateRejected, reason: "rejected by peer: no certificate"))
        #expect(pipe.server.peerIdentity == nil)
    }

    @Test func serverRefusesClientCertificateFromAnotherCA() throws {
        let mesh = try TLSTestMesh()
        let stranger = try TLSTestMesh(name: "Stranger CA")
        let client = try stranger.client("router", trusting: mesh.ca.certificatePEM)
        let pipe = try TLSPipe(client: client, server: mesh.server("identity"))
        let (clientResult, serverResult) = pipe.pump()
        #expect(serverResult.tlsError == TLSError(.certificateRejected, reason: "unknown CA"))
        #expect(clientResult.tlsError == TLSError(.certificateRejected, reason: "rejected by peer: unknown CA"))
        #expect(pipe.server.peerIdentity == nil)
    }

    @Test func clientRefusesServerCertificateFromAnotherCA() throws {
        let mesh = try TLSTestMesh()
        let stranger = try TLSTestMesh(name: "Stranger CA")
        let server = try stranger.server("identity", trusting: mesh.ca.certificatePEM)
        let pipe = try TLSPipe(client: mesh.client("router"), server: server)
        let (clientResult, serverResult) = pipe.pump()
        #expect(clientResult.tlsError == TLSError(.certificateRejected, reason: "unknown CA"))
        #expect(serverResult.tlsError == TLSError(.certificateRejected, reason: "rejected by peer: unknown CA"))
        #expect(!pipe.client.handshakeComplete)
        #expect(pipe.client.peerIdentity == nil)
    }

    @Test func clientRefusesWrongServerName() throws {
        let mesh = try TLSTestMesh()
        let pipe = try TLSPipe(client: mesh.client("router"), server: mesh.server("comms"), serverName: "identity")
        let (clientResult, serverResult) = pipe.pump()
        #expect(clientResult.tlsError == TLSError(.certificateRejected, reason: "name mismatch"))
        #expect(serverResult.tlsError?.code == .certificateRejected)
    }

    @Test func clientRefusesExpiredServerCertificate() throws {
        let mesh = try TLSTestMesh()
        let past = CertificateValidity(notBefore: Date() - 172_800, notAfter: Date() - 86_400)
        let pipe = try TLSPipe(client: mesh.client("router"), server: mesh.server("identity", validity: past))
        let (clientResult, serverResult) = pipe.pump()
        #expect(clientResult.tlsError == TLSError(.certificateRejected, reason: "expired"))
        #expect(serverResult.tlsError == TLSError(.certificateRejected, reason: "rejected by peer: expired"))
    }

    @Test func serverRefusesExpiredClientCertificate() throws {
        let mesh = try TLSTestMesh()
        let past = CertificateValidity(notBefore: Date() - 172_800, notAfter: Date() - 86_400)
        let pipe = try TLSPipe(client: mesh.client("router", validity: past), server: mesh.server("identity"))
        #expect(pipe.pump().server.tlsError == TLSError(.certificateRejected, reason: "expired"))
    }

    @Test func serverRefusesNotYetValidClientCertificate() throws {
        let mesh = try TLSTestMesh()
        let future = CertificateValidity.days(1, from: Date() + 86_400)
        let pipe = try TLSPipe(client: mesh.client("router", validity: future), server: mesh.server("identity"))
        #expect(pipe.pump().server.tlsError == TLSError(.certificateRejected, reason: "not yet valid"))
    }

    @Test(arguments: ["http request", "bogus record length", "zeros", "noise"])
    func serverRejectsBytesThatAreNotTLS(kind: String) throws {
        let garbage: [UInt8] = switch kind {
        case "http request": Array("GET / HTTP/1.1\r\nHost: identity\r\n\r\n".utf8)
        case "bogus record length": [0x16, 0x03, 0x01, 0xFF, 0xFF] + [UInt8](repeating: 0xAB, count: 64)
        case "zeros": [UInt8](repeating: 0, count: 32)
        default: (0..<4_096).map { UInt8(truncatingIfNeeded: $0 &* 97) }
        }
        let mesh = try TLSTestMesh()
        let server = try TLSSession(context: mesh.server("identity"), serverName: nil)
        try garbage.withUnsafeBytes { try server.feedCiphertext($0) }
        let error = try #require(throws: TLSError.self) { try server.readPlaintext { _ in } }
        #expect(error.code == .protocolError || error.code == .handshakeFailed)
        // The session stays failed, without crashing.
        #expect(throws: error) { try server.readPlaintext { _ in } }
        #expect(throws: error) { try server.writePlaintext(UnsafeRawBufferPointer(start: nil, count: 0)) }
    }

    @Test func clientRejectsBytesThatAreNotTLS() throws {
        let mesh = try TLSTestMesh()
        let client = try TLSSession(context: mesh.client("router"), serverName: "identity")
        _ = try client.readPlaintext { _ in }
        try Array("HTTP/1.1 400 Bad Request\r\n\r\n".utf8).withUnsafeBytes { try client.feedCiphertext($0) }
        let error = try #require(throws: TLSError.self) { try client.readPlaintext { _ in } }
        #expect(error.code == .protocolError)
    }

    @Test func corruptedRecordAfterHandshakeIsAProtocolError() throws {
        let mesh = try TLSTestMesh()
        let pipe = try TLSPipe(client: mesh.client("router"), server: mesh.server("identity"))
        pipe.pump()
        try pipe.client.write(Array("authentic".utf8))
        var record = pipe.ciphertext(of: pipe.client)
        record[record.count - 3] ^= 0x01
        #expect(pipe.deliver(record, toServer: true).tlsError?.code == .protocolError)
        #expect(pipe.serverReceived.isEmpty)
    }
}
