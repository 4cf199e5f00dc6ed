internal import COpenSSL

/// A configured OpenSSL `SSL_CTX` for one role: the mesh server, the mesh client, or the public HTTPS server.
///
/// Create one context per role per process and share it: building an `SSL_CTX` fetches algorithms, which
/// takes a global lock in OpenSSL 3.0. A context is immutable after its factory returns, so sessions on any
/// thread may be created from it.
///
/// - Mesh server (`requireClientCertificate: true`): TLS 1.3 only; a client certificate is mandatory and is
///   verified against `trustRoots` only (its own `X509_STORE`, never the system store).
/// - Mesh client: TLS 1.3 only; verifies the server's chain against `trustRoots` and its name against the
///   `serverName` given to each `TLSSession` (SNI is sent too).
/// - Public HTTPS server (`requireClientCertificate: false`, `trustRoots: nil`): TLS 1.2 and 1.3 (1.3 is
///   negotiated when the client offers it); TLS 1.2 only with ECDHE + AEAD cipher suites; no client certificate.
///
/// All roles: no session tickets, no session cache, no renegotiation, no compression.
///
/// ```swift
/// let ca = try CertificateAuthority.generate(commonName: "Purrpurr dev CA", validity: .days(3650))
/// let cert = try ca.issue(serviceName: "identity", dnsNames: [], ipAddresses: ["127.0.0.1"], validity: .days(90))
/// let server = try TLSContext.server(certificateChain: cert.certificatePEM, privateKey: cert.privateKeyPEM,
///                                    trustRoots: ca.certificatePEM)
/// ```
public final class TLSContext: @unchecked Sendable {
    // @unchecked: the SSL_CTX is fully configured in the factory and never mutated afterwards; OpenSSL
    // allows concurrent SSL_new() on a shared, read-only SSL_CTX.

    /// Which side of the handshake sessions from this context play.
    public enum Role: Sendable, Hashable {
        /// Sessions connect (send ClientHello) and must be given the expected server name.
        case client
        /// Sessions accept.
        case server
    }

    /// The role of every session created from this context.
    public let role: Role
    /// Whether sessions verify the peer's certificate (all but the public HTTPS server).
    public let verifiesPeer: Bool
    /// The owned `SSL_CTX*`.
    let pointer: OpaquePointer

    private init(role: Role, verifiesPeer: Bool, pointer: OpaquePointer) {
        self.role = role
        self.verifiesPeer = verifiesPeer
        self.pointer = pointer
    }

    deinit {
        SSL_CTX_free(pointer)
    }

    /// A server context from PEM bytes.
    ///
    /// - Parameters:
    ///   - certificateChain: the server's certificate first, then any intermediates.
    ///   - privateKey: the certificate's unencrypted private key.
    ///   - trustRoots: the CA certificates client certificates must chain to; required when
    ///     `requireClientCertificate` is true, and must be nil when it is false.
    ///   - requireClientCertificate: true for the mesh (mutual TLS 1.3); false for the public HTTPS face.
    public static func server(
        certificateChain: [UInt8], privateKey: [UInt8], trustRoots: [UInt8]?, requireClientCertificate: Bool = true
    ) throws -> TLSContext {
        if requireClientCertificate, trustRoots == nil {
            throw TLSError(.invalidConfiguration, reason: "a mesh server needs trust roots for client certificates")
        }
        if !requireClientCertificate, trustRoots != nil {
            throw TLSError(.invalidConfiguration, reason: "trust roots given to a server that requests no client certificate")
        }
        let context = try makeContext(role: .server, verifiesPeer: requireClientCertificate)
        try context.useIdentity(certificateChain: certificateChain, privateKey: privateKey)
        if let trustRoots {
            try context.trustOnly(trustRoots)
            SSL_CTX_set_verify(context.pointer, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nil)
            try context.limitVersions(minimum: TLS1_3_VERSION, maximum: TLS1_3_VERSION)
        } else {
            SSL_CTX_set_verify(context.pointer, SSL_VERIFY_NONE, nil)
            try context.limitVersions(minimum: TLS1_2_VERSION, maximum: 0)
            guard SSL_CTX_set_cipher_list(context.pointer, "ECDHE+AESGCM:ECDHE+CHACHA20") == 1 else {
                throw TLSErrorQueue.configurationError("TLS 1.2 cipher list")
            }
        }
        return context
    }

    /// A mesh client context from PEM bytes: TLS 1.3 only, presents `certificateChain`, trusts only
    /// `trustRoots`. Each `TLSSession` must be given the expected server name.
    public static func client(
        certificateChain: [UInt8], privateKey: [UInt8], trustRoots: [UInt8]
    ) throws -> TLSContext {
        try makeClient(identity: (certificateChain, privateKey), trustRoots: trustRoots)
    }

    /// A client context that presents no certificate (tests of the server's refusal; not for the mesh).
    static func clientWithoutCertificate(trustRoots: [UInt8]) throws -> TLSContext {
        try makeClient(identity: nil, trustRoots: trustRoots)
    }

    private static func makeClient(
        identity: (certificateChain: [UInt8], privateKey: [UInt8])?, trustRoots: [UInt8]
    ) throws -> TLSContext {
        let context = try makeContext(role: .client, verifiesPeer: true)
        if let identity {
            try context.useIdentity(certificateChain: identity.certificateChain, privateKey: identity.privateKey)
        }
        try context.trustOnly(trustRoots)
        SSL_CTX_set_verify(context.pointer, SSL_VERIFY_PEER, nil)
        try context.limitVersions(minimum: TLS1_3_VERSION, maximum: TLS1_3_VERSION)
        return context
    }

    /// A bare `SSL_CTX` with the options every role shares.
    static func makeContext(role: Role, verifiesPeer: Bool) throws -> TLSContext {
        TLSErrorQueue.clear()
        let method = role == .server ? TLS_server_method() : TLS_client_method()
        guard let pointer = SSL_CTX_new(method) else { throw TLSErrorQueue.configurationError("SSL_CTX_new") }
        let context = TLSContext(role: role, verifiesPeer: verifiesPeer, pointer: pointer)
        _ = SSL_CTX_set_options(pointer, COpenSSL_TLS_context_options())
        _ = SSL_CTX_set_num_tickets(pointer, 0)
        COpenSSL_SSL_CTX_disable_session_cache(pointer)
        COpenSSL_SSL_CTX_set_release_buffers(pointer)
        SSL_CTX_set_verify_depth(pointer, 4)
        return context
    }

    /// Installs our certificate chain and private key, and checks that they match.
    private func useIdentity(certificateChain: [UInt8], privateKey: [UInt8]) throws {
        try TLSPEM.withCertificates(certificateChain, what: "certificate chain") { certificates in
            guard SSL_CTX_use_certificate(pointer, certificates[0]) == 1 else {
                throw TLSErrorQueue.configurationError("certificate chain")
            }
            for intermediate in certificates.dropFirst() {
                guard COpenSSL_SSL_CTX_add1_chain_cert(pointer, intermediate) == 1 else {
                    throw TLSErrorQueue.configurationError("certificate chain intermediate")
                }
            }
        }
        try TLSPEM.withPrivateKey(privateKey, what: "private key") { key in
            guard SSL_CTX_use_PrivateKey(pointer, key) == 1 else {
                throw TLSErrorQueue.configurationError("private key")
            }
        }
        guard SSL_CTX_check_private_key(pointer) == 1 else {
            TLSErrorQueue.clear()
            throw TLSError(.invalidConfiguration, reason: "private key does not match the certificate")
        }
    }

    /// Replaces the context's store with one holding only `roots` (never the system store).
    private func trustOnly(_ roots: [UInt8]) throws {
        guard let store = X509_STORE_new() else { throw TLSErrorQueue.configurationError("X509_STORE_new") }
        SSL_CTX_set_cert_store(pointer, store)  // the context owns the store from here on
        try TLSPEM.withCertificates(roots, what: "trust roots") { certificates in
            for certificate in certificates {
                guard X509_STORE_add_cert(store, certificate) == 1 else {
                    throw TLSErrorQueue.configurationError("trust roots")
                }
            }
        }
    }

    /// Sets the protocol version range (`0` as maximum means the highest this OpenSSL supports).
    func limitVersions(minimum: Int32, maximum: Int32) throws {
        guard COpenSSL_SSL_CTX_set_min_proto_version(pointer, minimum) == 1,
              COpenSSL_SSL_CTX_set_max_proto_version(pointer, maximum) == 1
        else { throw TLSErrorQueue.configurationError("protocol versions") }
    }
}
