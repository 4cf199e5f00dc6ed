internal import COpenSSL

/// One TLS connection's state machine over two OpenSSL memory BIOs; it never touches a socket.
///
/// The owner (one event-loop thread; the type is not `Sendable`) moves bytes:
/// socket → `feedCiphertext` → `readPlaintext` (drives the handshake, then yields plaintext) and
/// `writePlaintext` → `takeCiphertext` → socket. After any call, `hasPendingCiphertext` says whether
/// there is something to send (handshake messages, alerts, close_notify, key updates).
///
/// ```swift
/// let session = try TLSSession(context: meshClient, serverName: "identity")
/// _ = try session.readPlaintext { _ in }          // client: produces the ClientHello
/// session.takeCiphertext(into: &outbound)          // … write `outbound` to the socket
/// try session.feedCiphertext(bytesFromSocket)
/// switch try session.readPlaintext({ chunk in decoder.append(chunk) }) {
/// case .handshaking, .established: break          // flush takeCiphertext(into:) if hasPendingCiphertext
/// case .closed: session.shutdown()                 // answer close_notify, flush, close the socket
/// }
/// ```
///
/// Plaintext written before the handshake completes is buffered and sent as soon as it does.
/// After a thrown error the session is dead (every later call throws the same error), but
/// `takeCiphertext` may still yield an alert worth sending before closing the socket.
public final class TLSSession {
    /// Where the session stands after `readPlaintext`.
    public enum Progress: Sendable, Hashable {
        /// The handshake needs more bytes from the peer (and may have produced some to send).
        case handshaking
        /// The handshake is done; all plaintext received so far has been delivered.
        case established
        /// The peer sent close_notify: no more plaintext will arrive.
        case closed
    }

    private enum State {
        case handshaking
        case established
        case receivedCloseNotify
        case failed(TLSError)
    }

    /// The owned `SSL*`; it owns both BIOs.
    private let ssl: OpaquePointer
    /// Ciphertext from the peer, waiting for OpenSSL.
    private let readBIO: OpaquePointer
    /// Ciphertext produced by OpenSSL, waiting for the socket.
    private let writeBIO: OpaquePointer
    private let verifiesPeer: Bool
    private var state: State = .handshaking
    private var sentCloseNotify = false
    /// Plaintext written before the handshake completed.
    private var pendingPlaintext: [UInt8] = []

    /// True once the handshake has completed (and the peer, where required, was verified).
    public private(set) var handshakeComplete = false

    /// The peer's service name from its verified certificate: the first DNS subjectAltName, else the subject
    /// common name. Nil before the handshake completes and when the peer was not verified (public HTTPS).
    public private(set) var peerIdentity: String?

    /// Creates a session from a shared context.
    ///
    /// - Parameter serverName: for a client context, the expected server name (DNS name or IP address): it is
    ///   sent as SNI (names only) and the server's certificate must match it. Must be nil for a server context.
    public init(context: TLSContext, serverName: String?) throws {
        TLSErrorQueue.clear()
        guard let ssl = SSL_new(context.pointer) else { throw TLSErrorQueue.configurationError("SSL_new") }
        guard let readBIO = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw TLSError(.io, reason: "cannot create memory BIO")
        }
        guard let writeBIO = BIO_new(BIO_s_mem()) else {
            BIO_free(readBIO)
            SSL_free(ssl)
            throw TLSError(.io, reason: "cannot create memory BIO")
        }
        SSL_set_bio(ssl, readBIO, writeBIO)
        do {
            switch (context.role, serverName) {
            case (.client, let name?):
                try Self.expectServer(named: name, on: ssl)
                SSL_set_connect_state(ssl)
            case (.client, nil):
                throw TLSError(.invalidConfiguration, reason: "a client session needs the expected server name")
            case (.server, nil):
                SSL_set_accept_state(ssl)
            case (.server, _?):
                throw TLSError(.invalidConfiguration, reason: "a server session takes no server name")
            }
        } catch {
            SSL_free(ssl)
            throw error
        }
        self.ssl = ssl
        self.readBIO = readBIO
        self.writeBIO = writeBIO
        self.verifiesPeer = context.verifiesPeer
    }

    deinit {
        SSL_free(ssl)
    }

    /// Hands bytes read from the socket to the session (copied into the read BIO). Call `readPlaintext` next.
    public func feedCiphertext(_ bytes: UnsafeRawBufferPointer) throws {
        guard var next = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let chunk = Int32(min(remaining, 1 << 30))
            let written = BIO_write(readBIO, next, chunk)
            guard written > 0 else {
                TLSErrorQueue.clear()
                throw TLSError(.io, reason: "read BIO refused data")
            }
            next += Int(written)
            remaining -= Int(written)
        }
    }

    /// Advances the handshake, then decrypts every complete record fed so far, calling `body` once per chunk
    /// (a chunk is valid only during the call). Call it after each `feedCiphertext`, and once right after a
    /// client session is created, to produce the ClientHello.
    public func readPlaintext(_ body: (UnsafeRawBufferPointer) -> Void) throws -> Progress {
        switch state {
        case .failed(let error):
            throw error
        case .receivedCloseNotify:
            return .closed
        case .handshaking:
            guard try advanceHandshake() else { return .handshaking }
        case .established:
            break
        }
        return try readRecords(body)
    }

    /// Encrypts all of `bytes` into the write BIO (or buffers them until the handshake completes).
    /// Throws `closed` after `shutdown()` or after the peer's close_notify.
    public func writePlaintext(_ bytes: UnsafeRawBufferPointer) throws {
        switch state {
        case .failed(let error):
            throw error
        case .receivedCloseNotify:
            throw TLSError(.closed, reason: "peer sent close_notify")
        case .handshaking where !sentCloseNotify:
            pendingPlaintext.append(contentsOf: bytes)
        case .handshaking, .established:
            guard !sentCloseNotify else { throw TLSError(.closed, reason: "session was shut down") }
            try write(bytes)
        }
    }

    /// Appends all pending ciphertext to `buffer`, emptying the write BIO: `BIO_read` straight into the
    /// array's spare capacity, no per-byte work.
    public func takeCiphertext(into buffer: inout [UInt8]) {
        var pending = Int(BIO_ctrl_pending(writeBIO))
        while pending > 0 {
            let chunk = min(pending, 1 << 30)
            guard appendCiphertext(to: &buffer, count: chunk) == chunk else {
                TLSErrorQueue.clear()
                return
            }
            pending = Int(BIO_ctrl_pending(writeBIO))
        }
    }

    /// Whether `takeCiphertext` would append anything.
    public var hasPendingCiphertext: Bool {
        BIO_ctrl_pending(writeBIO) > 0
    }

    /// Queues close_notify (once). Before the handshake completes nothing is sent: just close the socket.
    public func shutdown() {
        guard !sentCloseNotify else { return }
        sentCloseNotify = true
        pendingPlaintext = []
        switch state {
        case .established, .receivedCloseNotify:
            TLSErrorQueue.clear()
            _ = SSL_shutdown(ssl)
            TLSErrorQueue.clear()
        case .handshaking, .failed:
            break
        }
    }

    // MARK: - Internals

    /// Runs `SSL_do_handshake`; true once complete.
    private func advanceHandshake() throws -> Bool {
        TLSErrorQueue.clear()
        let result = SSL_do_handshake(ssl)
        guard result == 1 else {
            let error = SSL_get_error(ssl, result)
            if error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE { return false }
            throw fail(TLSFailure.classify(ssl: ssl, sslError: error, handshaking: true))
        }
        if verifiesPeer {
            // Defence in depth: the verify mode already enforces this.
            guard let certificate = SSL_get0_peer_certificate(ssl), SSL_get_verify_result(ssl) == X509_V_OK else {
                throw fail(TLSError(.certificateRejected, reason: "peer not verified"))
            }
            peerIdentity = TLSPeerName.serviceName(of: certificate)
        }
        state = .established
        handshakeComplete = true
        if !pendingPlaintext.isEmpty, !sentCloseNotify {
            let buffered = pendingPlaintext
            pendingPlaintext = []
            try buffered.withUnsafeBytes { try write($0) }
        }
        return true
    }

    /// `SSL_read_ex` until the read BIO has no complete record left.
    private func readRecords(_ body: (UnsafeRawBufferPointer) -> Void) throws -> Progress {
        try withUnsafeTemporaryAllocation(byteCount: 16_384, alignment: 16) { buffer in
            while true {
                var count = 0
                TLSErrorQueue.clear()  // `body` may have run other OpenSSL code on this thread
                if SSL_read_ex(ssl, buffer.baseAddress, buffer.count, &count) == 1 {
                    body(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
                    continue
                }
                let error = SSL_get_error(ssl, 0)
                switch error {
                case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                    return .established
                case SSL_ERROR_ZERO_RETURN:
                    TLSErrorQueue.clear()
                    state = .receivedCloseNotify
                    return .closed
                default:
                    throw fail(TLSFailure.classify(ssl: ssl, sslError: error, handshaking: false))
                }
            }
        }
    }

    /// `SSL_write_ex` until all of `bytes` is in the write BIO (a memory BIO never asks to retry).
    private func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        TLSErrorQueue.clear()
        while offset < bytes.count {
            var written = 0
            if SSL_write_ex(ssl, base + offset, bytes.count - offset, &written) == 1 {
                offset += written
                continue
            }
            let error = SSL_get_error(ssl, 0)
            switch error {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                TLSErrorQueue.clear()
                throw fail(TLSError(.io, reason: "write BIO refused data"))
            case SSL_ERROR_ZERO_RETURN:
                TLSErrorQueue.clear()
                throw TLSError(.closed, reason: "peer sent close_notify")
            default:
                throw fail(TLSFailure.classify(ssl: ssl, sslError: error, handshaking: false))
            }
        }
    }

    /// Reads up to `count` bytes of the write BIO into `buffer`'s spare capacity; returns how many.
    private func appendCiphertext(to buffer: inout [UInt8], count: Int) -> Int {
        var read = 0
        if #available(macOS 26, iOS 26, tvOS 26, watchOS 26, visionOS 26, *) {
            buffer.append(addingCapacity: count) { span in
                span.withUnsafeMutableBufferPointer { spare, initialized in
                    read = max(0, Int(BIO_read(writeBIO, spare.baseAddress, Int32(count))))
                    initialized = read
                }
            }
        } else {  // older Apple platforms: zero-extend (a memset), then read in place
            let start = buffer.count
            buffer.append(contentsOf: repeatElement(0, count: count))
            read = buffer.withUnsafeMutableBytes { raw in
                max(0, Int(BIO_read(writeBIO, raw.baseAddress! + start, Int32(count))))
            }
            buffer.removeLast(count - read)
        }
        return read
    }

    /// Records a fatal error so later calls rethrow it.
    private func fail(_ error: TLSError) -> TLSError {
        state = .failed(error)
        pendingPlaintext = []
        return error
    }

    /// Configures SNI and the certificate name check for a client session.
    private static func expectServer(named name: String, on ssl: OpaquePointer) throws {
        guard !name.isEmpty, name.utf8.count <= 253, !name.utf8.contains(0) else {
            throw TLSError(.invalidConfiguration, reason: "invalid server name")
        }
        if let ip = a2i_IPADDRESS(name) {
            ASN1_OCTET_STRING_free(ip)
            guard X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name) == 1 else {
                throw TLSErrorQueue.configurationError("server IP address")
            }
            return
        }
        TLSErrorQueue.clear()  // a2i_IPADDRESS may have queued a parse error
        SSL_set_hostflags(ssl, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
        guard COpenSSL_SSL_set_tlsext_host_name(ssl, name) == 1, SSL_set1_host(ssl, name) == 1 else {
            throw TLSErrorQueue.configurationError("server name")
        }
    }
}

@available(*, unavailable, message: "a TLSSession belongs to one event-loop thread")
extension TLSSession: Sendable {}
