extension Connection {
    /// Upgrades an active plaintext connection to TLS as its client (STARTTLS, RFC 3207): what was written
    /// before goes out in plaintext first, then the handshake starts; `completion` runs on the loop once it
    /// completes (`peerIdentity` is set, the handler hears `connectionActive` again) or fails (the connection
    /// is then closed and the handler hears `connectionClosed` before `completion`). Bounded by
    /// ``ConnectionOptions/handshakeTimeout``.
    ///
    /// Call it on the loop, after the peer agreed (SMTP's `220 Ready to start TLS`) and with no unread
    /// plaintext kept by the handler: bytes that arrive from here on are TLS.
    ///
    /// ```swift
    /// connection.startTLS(context: publicClient, serverName: "smtp.example.com") { result in … }
    /// ```
    public func startTLS(
        context: TLSContext, serverName: String, completion: @escaping (Result<Void, any Error>) -> Void
    ) {
        assert(self.eventLoop.inEventLoop)
        guard self.state == .active, self.tls == nil, self.activation == nil else {
            completion(.failure(TLSError(.invalidConfiguration, reason: "STARTTLS needs an active plaintext connection")))
            return
        }
        guard context.role == .client else {
            completion(.failure(TLSError(.invalidConfiguration, reason: "STARTTLS needs a client context")))
            return
        }
        do {
            self.tls = try TLSSession(context: context, serverName: serverName)
        } catch {
            completion(.failure(error))
            return
        }
        self.state = .handshaking
        self.activation = { result in completion(result.map { _ in () }) }
        self.handshakeTimer = self.eventLoop.scheduleOnLoop(after: self.options.handshakeTimeout) { [self] in
            if self.state == .handshaking { self.finishClose(error: TCPError.handshakeTimeout) }
        }
        self.advanceTLS()  // the ClientHello, sent after the plaintext already buffered
    }
}
