#if canImport(Glibc)
import Contracts
import Glibc
#endif
import Foundation
import Wire

/// `purrpurr certs [--out DIR] [--days N]`: writes a development mesh CA and one certificate per mesh member
/// (the Router and every service of ``MeshService``), each naming its service and valid for `localhost` and
/// `127.0.0.1`, as the `MESH_CA_PATH`/`MESH_CERT_PATH`/`MESH_KEY_PATH` variables expect.
///
/// An existing CA in `DIR` (`ca.pem` + `ca-key.pem`) is reused, so re-running renews the service certificates
/// without breaking peers that trust the CA. Keys are written owner-only (0600). Development only: a production
/// mesh gets its certificates from the operator's PKI.
///
/// ```
/// purrpurr certs --out .purrpurr/certs
/// MESH_CA_PATH=.purrpurr/certs/ca.pem MESH_CERT_PATH=.purrpurr/certs/identity.crt \
///   MESH_KEY_PATH=.purrpurr/certs/identity.key identity-service
/// ```
enum CertsCommand {
    /// The mesh members that get a certificate: the Router, then each service of the registry.
    static var services: [String] { MeshService.certificateNames }

    /// Parses `arguments` (after `certs`), writes the files and returns the exit status.
    static func run(arguments: [String], output: (String) -> Void, errorOutput: (String) -> Void) -> Int32 {
        var directory = ".purrpurr/certs"
        var days = 30
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            switch flag {
            case "--out":
                guard let value = rest.popFirst(), !value.isEmpty else {
                    errorOutput("purrpurr certs: --out needs a directory")
                    return CommandLineTool.usageStatus
                }
                directory = value
            case "--days":
                guard let value = rest.popFirst(), let number = Int(value), (1...3650).contains(number) else {
                    errorOutput("purrpurr certs: --days needs a number of days from 1 to 3650")
                    return CommandLineTool.usageStatus
                }
                days = number
            default:
                errorOutput("purrpurr certs: unknown option '\(flag)'")
                return CommandLineTool.usageStatus
            }
        }
        do {
            try write(to: directory, days: days)
            output("purrpurr certs: wrote the mesh CA and certificates for \(services.joined(separator: ", ")) to \(directory)")
            return 0
        } catch {
            errorOutput("purrpurr certs: could not write the certificates to \(directory): \(error)")
            return 1
        }
    }

    /// Writes (or reuses) the CA and issues every service's certificate into `directory`.
    static func write(to directory: String, days: Int) throws {
        let files = FileManager.default
        try files.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let caPath = directory + "/ca.pem"
        let caKeyPath = directory + "/ca-key.pem"
        let ca: CertificateAuthority
        if files.fileExists(atPath: caPath), files.fileExists(atPath: caKeyPath) {
            ca = try CertificateAuthority(
                certificatePEM: try String(contentsOfFile: caPath, encoding: .utf8),
                privateKeyPEM: try String(contentsOfFile: caKeyPath, encoding: .utf8))
        } else {
            ca = try CertificateAuthority.generate(commonName: "Purrpurr development mesh CA", validity: .days(3650))
            try save(ca.certificatePEM, to: caPath, mode: 0o644)
            try save(ca.privateKeyPEM, to: caKeyPath, mode: 0o600)
        }
        for service in services {
            let issued = try ca.issue(
                serviceName: service, dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"], validity: .days(days))
            try save(issued.certificatePEM, to: "\(directory)/\(service).crt", mode: 0o644)
            try save(issued.privateKeyPEM, to: "\(directory)/\(service).key", mode: 0o600)
        }
    }

    private static func save(_ text: String, to path: String, mode: Int) throws {
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(
            atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: mode]),
            rename(temporary, path) == 0
        else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }
}
