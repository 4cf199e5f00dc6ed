internal import COpenSSL
import Foundation

extension TLSContext {
    /// A client context for public servers (SMTP relays, webhooks' HTTPS endpoints): TLS 1.2 or 1.3, no client
    /// certificate, the server's chain verified against the system trust store plus `extraTrustRoots`, and its
    /// name against the `serverName` given to each session (SNI is sent for names).
    ///
    /// ```swift
    /// let relays = try TLSContext.publicClient(extraTrustRootsPath: "/etc/purrpurr/relay-ca.pem")
    /// let connection = try await TCPConnector.connect(host: "smtp.example.com", port: 465, on: loop, tls: relays) { _ in handler }
    /// ```
    ///
    /// - Parameters:
    ///   - extraTrustRoots: PEM certificates trusted besides the system's (a private relay's CA); nil: none.
    ///   - useSystemTrustStore: false to trust `extraTrustRoots` only (tests).
    public static func publicClient(extraTrustRoots: [UInt8]? = nil, useSystemTrustStore: Bool = true) throws -> TLSContext {
        if !useSystemTrustStore, extraTrustRoots == nil {
            throw TLSError(.invalidConfiguration, reason: "a public client needs the system trust store or trust roots")
        }
        let context = try makeContext(role: .client, verifiesPeer: true)
        if useSystemTrustStore {
            guard SSL_CTX_set_default_verify_paths(context.pointer) == 1 else {
                throw TLSErrorQueue.configurationError("system trust store")
            }
        } else {
            guard let store = X509_STORE_new() else { throw TLSErrorQueue.configurationError("X509_STORE_new") }
            SSL_CTX_set_cert_store(context.pointer, store)  // the context owns the store from here on
        }
        if let extraTrustRoots {
            guard let store = SSL_CTX_get_cert_store(context.pointer) else {
                throw TLSErrorQueue.configurationError("trust store")
            }
            try TLSPEM.withCertificates(extraTrustRoots, what: "trust roots") { certificates in
                for certificate in certificates {
                    guard X509_STORE_add_cert(store, certificate) == 1 else {
                        throw TLSErrorQueue.configurationError("trust roots")
                    }
                }
            }
        }
        SSL_CTX_set_verify(context.pointer, SSL_VERIFY_PEER, nil)
        try context.limitVersions(minimum: TLS1_2_VERSION, maximum: 0)
        return context
    }

    /// ``publicClient(extraTrustRoots:useSystemTrustStore:)`` with the extra roots read from a PEM file
    /// (nil: the system trust store only). Errors name the path, never the file's contents.
    public static func publicClient(extraTrustRootsPath: String?, useSystemTrustStore: Bool = true) throws -> TLSContext {
        guard let path = extraTrustRootsPath else {
            return try publicClient(extraTrustRoots: nil, useSystemTrustStore: useSystemTrustStore)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TLSError(.invalidConfiguration, reason: "cannot read \(path)")
        }
        do {
            return try publicClient(extraTrustRoots: [UInt8](data), useSystemTrustStore: useSystemTrustStore)
        } catch var error as TLSError {
            if error.reason.hasPrefix("trust roots") { error.reason = "\(path): \(error.reason)" }
            throw error
        }
    }
}
