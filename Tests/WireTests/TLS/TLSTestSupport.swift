@testable import Wire

/// A mesh CA plus helpers to make contexts from it (each test makes its own: nothing shared).
struct TLSTestMesh {
    let ca: CertificateAuthority

    init(name: String = "Test mesh CA") throws {
        ca = try CertificateAuthority.generate(commonName: name, validity: .days(1))
    }

    init(ca: CertificateAuthority) {
        self.ca = ca
    }

    func issue(_ service: String, ips: [String] = [], validity: CertificateValidity = .days(1)) throws -> IssuedCertificate {
        try ca.issue(serviceName: service, dnsNames: [], ipAddresses: ips, validity: validity)
    }

    func server(_ service: String, validity: CertificateValidity = .days(1), trusting roots: String? = nil) throws -> TLSContext {
        let cert = try issue(service, ips: ["127.0.0.1"], validity: validity)
        return try TLSContext.server(certificateChain: cert.certificatePEM, privateKey: cert.privateKeyPEM,
                                     trustRoots: roots ?? ca.certificatePEM)
    }

    func client(_ service: String, validity: CertificateValidity = .days(1), trusting roots: String? = nil) throws -> TLSContext {
        let cert = try issue(service, validity: validity)
        return try TLSContext.client(certificateChain: cert.certificatePEM, privateKey: cert.privateKeyPEM,
                                     trustRoots: roots ?? ca.certificatePEM)
    }
}

/// Two sessions wired back to back in memory: `pump()` moves ciphertext until both sides go quiet.
final class TLSPipe {
    let client: TLSSession
    let server: TLSSession
    private(set) var clientReceived: [UInt8] = []
    private(set) var serverReceived: [UInt8] = []
    private(set) var clientResult: Result<TLSSession.Progress, TLSError> = .success(.handshaking)
    private(set) var serverResult: Result<TLSSession.Progress, TLSError> = .success(.handshaking)

    init(client: TLSContext, server: TLSContext, serverName: String = "identity") throws {
        self.client = try TLSSession(context: client, serverName: serverName)
        self.server = try TLSSession(context: server, serverName: nil)
    }

    /// Moves bytes both ways until nothing is left to send; returns the last result of each side.
    @discardableResult
    func pump() -> (client: Result<TLSSession.Progress, TLSError>, server: Result<TLSSession.Progress, TLSError>) {
        clientResult = read(client, into: \.clientReceived)
        for _ in 0..<1_000 {
            let toServer = ciphertext(of: client)
            let toClient = ciphertext(of: server)
            if toServer.isEmpty && toClient.isEmpty { break }
            if !toServer.isEmpty { serverResult = deliver(toServer, to: server, into: \.serverReceived) }
            if !toClient.isEmpty { clientResult = deliver(toClient, to: client, into: \.clientReceived) }
        }
        return (clientResult, serverResult)
    }

    /// Feeds `bytes` to `session` as they are (no pumping); returns the read result.
    func deliver(_ bytes: [UInt8], toServer: Bool) -> Result<TLSSession.Progress, TLSError> {
        toServer ? deliver(bytes, to: server, into: \.serverReceived) : deliver(bytes, to: client, into: \.clientReceived)
    }

    func ciphertext(of session: TLSSession) -> [UInt8] {
        var bytes: [UInt8] = []
        session.takeCiphertext(into: &bytes)
        return bytes
    }

    private func deliver(
        _ bytes: [UInt8], to session: TLSSession, into received: ReferenceWritableKeyPath<TLSPipe, [UInt8]>
    ) -> Result<TLSSession.Progress, TLSError> {
        do {
            try bytes.withUnsafeBytes { try session.feedCiphertext($0) }
        } catch {
            return .failure(error as! TLSError)
        }
        return read(session, into: received)
    }

    private func read(
        _ session: TLSSession, into received: ReferenceWritableKeyPath<TLSPipe, [UInt8]>
    ) -> Result<TLSSession.Progress, TLSError> {
        do {
            return .success(try session.readPlaintext { self[keyPath: received].append(contentsOf: $0) })
        } catch {
            return .failure(error as! TLSError)
        }
    }
}

extension TLSSession {
    /// Test convenience: write an array.
    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try writePlaintext($0) }
    }
}

extension Result where Failure == TLSError {
    /// The error, if this is a failure.
    var tlsError: TLSError? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
