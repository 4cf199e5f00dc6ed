import Foundation
import Testing
import Wire
@testable import Purrpurr

@Suite("purrpurr certs")
struct CertsCommandTests {
    private func directory() -> String {
        NSTemporaryDirectory() + "purrpurr-certs-" + UUID().uuidString
    }

    @Test("writes a CA and a certificate per service that a TLS context accepts; keys are owner-only")
    func writes() throws {
        let out = directory()
        defer { try? FileManager.default.removeItem(atPath: out) }
        var messages: [String] = []
        let status = CertsCommand.run(arguments: ["--out", out], output: { messages.append($0) }, errorOutput: { messages.append($0) })
        #expect(status == 0)
        for service in CertsCommand.services {
            _ = try TLSContext.client(
                certificateChainPath: "\(out)/\(service).crt", privateKeyPath: "\(out)/\(service).key",
                trustRootsPath: "\(out)/ca.pem")
            let mode = try FileManager.default.attributesOfItem(atPath: "\(out)/\(service).key")[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
    }

    @Test("a second run keeps the CA and renews the service certificates")
    func reusesCA() throws {
        let out = directory()
        defer { try? FileManager.default.removeItem(atPath: out) }
        try CertsCommand.write(to: out, days: 30)
        let ca = try String(contentsOfFile: out + "/ca.pem", encoding: .utf8)
        let first = try String(contentsOfFile: out + "/comms.crt", encoding: .utf8)
        try CertsCommand.write(to: out, days: 30)
        #expect(try String(contentsOfFile: out + "/ca.pem", encoding: .utf8) == ca)
        #expect(try String(contentsOfFile: out + "/comms.crt", encoding: .utf8) != first)
    }

    @Test("bad options are usage errors", arguments: [["--days", "0"], ["--days", "x"], ["--out"], ["--frob"]])
    func badOptions(arguments: [String]) {
        var errors: [String] = []
        #expect(CertsCommand.run(arguments: arguments, output: { _ in }, errorOutput: { errors.append($0) }) == 64)
        #expect(errors.count == 1)
    }
}
