import Foundation
import Wire

/// A throwaway mesh for black-box tests: a CA generated in memory, and per-service certificates written as
/// PEM files into a fresh temporary directory (removed on deinit), as `MESH_CA_PATH`, `MESH_CERT_PATH` and
/// `MESH_KEY_PATH` expect. Each test makes its own; nothing is shared.
final class BlackBoxMesh: Sendable {
    /// The directory holding the PEM files.
    let directory: String
    /// The mesh CA.
    let ca: CertificateAuthority

    /// Generates a CA named `caName` and creates the directory.
    init(caName: String = "Black-box test CA") throws {
        self.ca = try CertificateAuthority.generate(commonName: caName, validity: .days(1))
        self.directory = NSTemporaryDirectory() + "purrpurr-blackbox-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try write(ca.certificatePEM, to: "ca.pem")
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The path of `name` inside ``directory``.
    func path(_ name: String) -> String {
        directory + "/" + name
    }

    /// Writes `text` to `name` (owner-only permissions, like a real key file).
    func write(_ text: String, to name: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path(name)))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path(name))
    }

    /// Issues `service`'s certificate (valid for 127.0.0.1), writes it and its key, and returns the
    /// `MESH_*` variables that point at them, plus the service's own required secrets (identity: a test
    /// `IDENTITY_MASTER_KEY`; comms: `COMMS_MASTER_KEY` and an `SMTP_URL`).
    func environment(for service: String) throws -> [String: String] {
        let issued = try ca.issue(serviceName: service, dnsNames: [], ipAddresses: ["127.0.0.1"], validity: .days(1))
        try write(issued.certificatePEM, to: "\(service).crt")
        try write(issued.privateKeyPEM, to: "\(service).key")
        var environment = [
            "MESH_CA_PATH": path("ca.pem"), "MESH_CERT_PATH": path("\(service).crt"), "MESH_KEY_PATH": path("\(service).key"),
        ]
        if service == "identity" {
            environment["IDENTITY_MASTER_KEY"] = Data(repeating: 0x42, count: 32).base64EncodedString()
        }
        if service == "comms" {
            // Nothing listens on port 1: tests that send mail override SMTP_URL.
            environment["SMTP_URL"] = "smtp://127.0.0.1:1?tls=none"
            environment["COMMS_MASTER_KEY"] = Data(repeating: 0x43, count: 32).base64EncodedString()
        }
        return environment
    }

    /// A mesh client context presenting a fresh certificate for `service` from this CA.
    func clientTLS(_ service: String) throws -> TLSContext {
        let issued = try ca.issue(serviceName: service, dnsNames: [], ipAddresses: [], validity: .days(1))
        return try TLSContext.client(
            certificateChain: issued.certificatePEM, privateKey: issued.privateKeyPEM, trustRoots: ca.certificatePEM)
    }
}
