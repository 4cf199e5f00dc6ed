#if canImport(Glibc)
import Glibc
#endif

/// The TLS side of a connection: the shared context, and for a client the server name it expects.
struct TLSSetup: Sendable {
    let context: TLSContext
    /// Client: the expected peer name (SNI and certificate check). Server: nil.
    let serverName: String?
}

extension Connection {
    /// Ciphertext from the socket: into the session, then on through ``advanceTLS()``.
    func receivedCiphertext(_ bytes: UnsafeRawBufferPointer) {
        guard let tls = self.tls else { return }
        do {
            try tls.feedCiphertext(bytes)
        } catch {
            self.failTLS(error, session: tls)
            return
        }
        self.advanceTLS()
    }

    /// Drives the handshake and hands decrypted plaintext to the handler; the handler hears
    /// `connectionActive` before the first plaintext. Queues a flush for whatever TLS wants to send.
    func advanceTLS() {
        guard let tls = self.tls else { return }
        let progress: TLSSession.Progress
        do {
            progress = try tls.readPlaintext { chunk in
                if self.state == .handshaking { self.becomeActive() }
                guard self.state == .active else { return }  // closing: later input is discarded
                self.handler?.connection(self, received: chunk)
            }
        } catch {
            self.failTLS(error, session: tls)
            return
        }
        guard self.state != .closed else { return }
        switch progress {
        case .handshaking:
            break
        case .established:
            if self.state == .handshaking { self.becomeActive() }
        case .closed:
            self.endOfInput()
        }
        if self.state != .closed, tls.hasPendingCiphertext { self.queueFlush() }
    }

    /// A TLS error: send the alert OpenSSL queued, if any (best effort, never waiting), then close with the error.
    private func failTLS(_ error: any Error, session: TLSSession) {
        if session.hasPendingCiphertext, self.state != .closed {
            var alert: [UInt8] = []
            session.takeCiphertext(into: &alert)
            _ = try? alert.withUnsafeBytes { raw throws(SocketError) in try Posix.send(self.fd, raw) }
        }
        self.finishClose(error: error)
    }
}
