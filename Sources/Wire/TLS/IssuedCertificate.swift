/// A certificate and its private key, as PEM text, issued by a `CertificateAuthority`.
///
/// `description` and mirrors show the certificate only: the private key never reaches a log by accident.
public struct IssuedCertificate: Sendable, CustomStringConvertible, CustomReflectable {
    /// The certificate, PEM ("BEGIN CERTIFICATE").
    public let certificatePEM: String
    /// The unencrypted PKCS#8 private key, PEM ("BEGIN PRIVATE KEY"). Secret.
    public let privateKeyPEM: String

    /// Wraps an existing certificate and key (no validation; `TLSContext` checks they match).
    public init(certificatePEM: String, privateKeyPEM: String) {
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
    }

    /// Never shows the private key.
    public var description: String { "IssuedCertificate(private key redacted)" }

    /// Shows the certificate; the private key is redacted.
    public var customMirror: Mirror {
        Mirror(self, children: ["certificatePEM": certificatePEM, "privateKeyPEM": "<redacted>"])
    }
}
