internal import COpenSSL

/// The mesh certificate authority: a self-signed EC P-256 CA that issues service certificates.
///
/// Used by tests and by `purrpurr up` / `purrpurr certs` to make the dev mesh. Everything is done with
/// OpenSSL's C API in memory; nothing is written to disk and no tool is shelled out to.
///
/// ```swift
/// let ca = try CertificateAuthority.generate(commonName: "Purrpurr dev CA", validity: .days(3650))
/// let identity = try ca.issue(serviceName: "identity", dnsNames: ["localhost"],
///                             ipAddresses: ["127.0.0.1"], validity: .days(365))
/// ```
///
/// `description` and mirrors never show the private key.
public struct CertificateAuthority: Sendable, CustomStringConvertible, CustomReflectable {
    /// The CA certificate, PEM: the trust root every mesh peer is given.
    public let certificatePEM: String
    /// The CA's unencrypted PKCS#8 private key, PEM. Secret.
    public let privateKeyPEM: String

    /// Loads a CA back from PEM, checking that it is a CA certificate and that the key matches it.
    public init(certificatePEM: String, privateKeyPEM: String) throws {
        try Self.withLoaded(certificatePEM: certificatePEM, privateKeyPEM: privateKeyPEM) { _, _ in }
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
    }

    private init(validatedCertificatePEM: String, privateKeyPEM: String) {
        self.certificatePEM = validatedCertificatePEM
        self.privateKeyPEM = privateKeyPEM
    }

    /// A new self-signed CA: P-256 key, basicConstraints critical CA:TRUE (pathlen 0), keyUsage critical
    /// keyCertSign + cRLSign, subject CN = `commonName`.
    public static func generate(commonName: String, validity: CertificateValidity) throws -> CertificateAuthority {
        guard !commonName.isEmpty, commonName.utf8.count <= 64 else {
            throw TLSError(.invalidConfiguration, reason: "CA common name must be 1 to 64 bytes")
        }
        let key = try TLSCertificateBuilder.makeP256Key()
        defer { EVP_PKEY_free(key) }
        let certificate = try TLSCertificateBuilder.makeCertificate(
            commonName: commonName, key: key, signer: .selfSigned, validity: validity,
            extensions: [
                (NID_basic_constraints, "critical,CA:TRUE,pathlen:0"),
                (NID_key_usage, "critical,keyCertSign,cRLSign"),
                (NID_subject_key_identifier, "hash"),
            ])
        defer { X509_free(certificate) }
        return CertificateAuthority(
            validatedCertificatePEM: try TLSPEM.string(certificate: certificate),
            privateKeyPEM: try TLSPEM.string(privateKey: key))
    }

    /// Issues a service certificate: fresh P-256 key, CN = `serviceName`, subjectAltName DNS =
    /// `serviceName` first (so `TLSSession.peerIdentity` is the service name) then `dnsNames`, plus IP
    /// `ipAddresses`; EKU serverAuth + clientAuth; random 128-bit serial; SHA-256 signature.
    ///
    /// `serviceName` and `dnsNames` must be DNS names (letters, digits, `-`, `.`, and `*` for wildcards).
    public func issue(
        serviceName: String, dnsNames: [String], ipAddresses: [String], validity: CertificateValidity
    ) throws -> IssuedCertificate {
        guard Self.isDNSName(serviceName), serviceName.utf8.count <= 64, !serviceName.contains("*") else {
            throw TLSError(.invalidConfiguration, reason: "service name must be a DNS name of 1 to 64 bytes")
        }
        for name in dnsNames where !Self.isDNSName(name) {
            throw TLSError(.invalidConfiguration, reason: "invalid DNS name \"\(name)\"")
        }
        var names = [serviceName]
        for name in dnsNames where !names.contains(name) { names.append(name) }
        return try Self.withLoaded(certificatePEM: certificatePEM, privateKeyPEM: privateKeyPEM) { caCert, caKey in
            let key = try TLSCertificateBuilder.makeP256Key()
            defer { EVP_PKEY_free(key) }
            let certificate = try TLSCertificateBuilder.makeCertificate(
                commonName: serviceName, key: key, signer: .issuer(certificate: caCert, key: caKey),
                validity: validity,
                extensions: [
                    (NID_basic_constraints, "critical,CA:FALSE"),
                    (NID_key_usage, "critical,digitalSignature"),
                    (NID_ext_key_usage, "serverAuth,clientAuth"),
                    (NID_subject_key_identifier, "hash"),
                    (NID_authority_key_identifier, "keyid:always"),
                ],
                dnsNames: names, ipAddresses: ipAddresses)
            defer { X509_free(certificate) }
            return IssuedCertificate(
                certificatePEM: try TLSPEM.string(certificate: certificate),
                privateKeyPEM: try TLSPEM.string(privateKey: key))
        }
    }

    /// Never shows the private key.
    public var description: String { "CertificateAuthority(private key redacted)" }

    /// Shows the certificate; the private key is redacted.
    public var customMirror: Mirror {
        Mirror(self, children: ["certificatePEM": certificatePEM, "privateKeyPEM": "<redacted>"])
    }

    /// Parses the CA certificate and key, checks CA-ness and that they match, and passes them to `body`.
    private static func withLoaded<T>(
        certificatePEM: String, privateKeyPEM: String, _ body: (OpaquePointer, OpaquePointer) throws -> T
    ) throws -> T {
        try TLSPEM.withCertificates(Array(certificatePEM.utf8), what: "CA certificate") { certificates in
            let certificate = certificates[0]
            guard X509_check_ca(certificate) == 1 else {  // basicConstraints CA:TRUE
                TLSErrorQueue.clear()
                throw TLSError(.invalidConfiguration, reason: "CA certificate is not a CA")
            }
            return try TLSPEM.withPrivateKey(Array(privateKeyPEM.utf8), what: "CA private key") { key in
                guard X509_check_private_key(certificate, key) == 1 else {
                    TLSErrorQueue.clear()
                    throw TLSError(.invalidConfiguration, reason: "CA private key does not match the certificate")
                }
                return try body(certificate, key)
            }
        }
    }

    /// Letters, digits, `-`, `.` and `*`; 1 to 253 bytes; no empty labels.
    private static func isDNSName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= 253, bytes.first != UInt8(ascii: "."), bytes.last != UInt8(ascii: ".")
        else { return false }
        var previous: UInt8 = 0
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "*"):
                break
            case UInt8(ascii: "."):
                if previous == UInt8(ascii: ".") { return false }
            default:
                return false
            }
            previous = byte
        }
        return true
    }
}
