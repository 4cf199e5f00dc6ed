internal import COpenSSL

/// PEM reading and writing for the TLS files: the only code here that turns bytes into `X509*`/`EVP_PKEY*`
/// and back. Handles it returns are owned by the caller for the duration of the closure only.
enum TLSPEM {
    /// Parses every certificate in `pem` (at least one) and passes them, in order, to `body`; frees them after.
    /// `what` names the input in errors ("certificate chain", "trust roots", a file path), never its contents.
    static func withCertificates<T>(
        _ pem: [UInt8], what: String, _ body: ([OpaquePointer]) throws -> T
    ) throws -> T {
        var certificates: [OpaquePointer] = []
        defer { certificates.forEach { X509_free($0) } }
        try withMemoryBIO(pem) { bio in
            TLSErrorQueue.clear()
            while let certificate = PEM_read_bio_X509(bio, nil, nil, nil) {
                certificates.append(certificate)
            }
            // The loop always ends with an error; only "no start line" (end of input) is a clean end.
            let end = TLSErrorQueue.take()
            if let end, !(end.library == ERR_LIB_PEM && end.reason == PEM_R_NO_START_LINE) {
                throw TLSError(.invalidConfiguration, reason: "\(what): malformed PEM certificate (\(end.text))")
            }
        }
        guard !certificates.isEmpty else {
            throw TLSError(.invalidConfiguration, reason: "\(what): no PEM certificate found")
        }
        return try body(certificates)
    }

    /// Parses the first private key in `pem` (PKCS#8, SEC1 or PKCS#1; unencrypted) and passes it to `body`.
    static func withPrivateKey<T>(_ pem: [UInt8], what: String, _ body: (OpaquePointer) throws -> T) throws -> T {
        let key = try withMemoryBIO(pem) { bio -> OpaquePointer in
            TLSErrorQueue.clear()
            // A callback that declines to give a passphrase: encrypted keys fail instead of prompting a TTY.
            guard let key = PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in 0 }, nil) else {
                throw TLSErrorQueue.configurationError("\(what): no usable PEM private key")
            }
            return key
        }
        defer { EVP_PKEY_free(key) }
        return try body(key)
    }

    /// Encodes one certificate as PEM text.
    static func string(certificate: OpaquePointer) throws -> String {
        try string { PEM_write_bio_X509($0, certificate) }
    }

    /// Encodes a private key as unencrypted PKCS#8 PEM text ("BEGIN PRIVATE KEY").
    static func string(privateKey: OpaquePointer) throws -> String {
        try string { PEM_write_bio_PrivateKey($0, privateKey, nil, nil, 0, nil, nil) }
    }

    /// Runs `body` with a read-only memory BIO over `bytes`.
    private static func withMemoryBIO<T>(_ bytes: [UInt8], _ body: (OpaquePointer) throws -> T) throws -> T {
        try bytes.withUnsafeBytes { raw in
            guard raw.count <= Int(Int32.max),
                  let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count))
            else { throw TLSError(.io, reason: "cannot create memory BIO") }
            defer { BIO_free(bio) }
            return try body(bio)
        }
    }

    /// Runs a PEM writer against a fresh memory BIO and returns what it wrote.
    private static func string(_ write: (OpaquePointer) -> Int32) throws -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw TLSError(.io, reason: "cannot create memory BIO") }
        defer { BIO_free(bio) }
        guard write(bio) == 1 else { throw TLSErrorQueue.configurationError("PEM encoding failed") }
        let count = Int(BIO_ctrl_pending(bio))
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            let read = BIO_read(bio, buffer.baseAddress, Int32(count))
            initialized = max(0, Int(read))
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
