import Foundation
import Testing
@testable import Wire

@Suite("CertificateAuthority")
struct CertificateAuthorityTests {
    @Test func generatedCAHasPEMAndLoadsBack() throws {
        let ca = try CertificateAuthority.generate(commonName: "Purrpurr dev CA", validity: .days(30))
        #expect(ca.certificatePEM.hasPrefix("-----BEGIN CERTIFICATE-----"))
        #expect(ca.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let loaded = try CertificateAuthority(certificatePEM: ca.certificatePEM, privateKeyPEM: ca.privateKeyPEM)
        // A certificate issued by the reloaded CA is trusted through the original CA certificate.
        let mesh = TLSTestMesh(ca: loaded)
        let pipe = try TLSPipe(client: mesh.client("router", trusting: ca.certificatePEM),
                               server: mesh.server("identity", trusting: ca.certificatePEM))
        let (client, server) = pipe.pump()
        #expect(try client.get() == .established)
        #expect(try server.get() == .established)
    }

    @Test func loadingRejectsALeafOrAForeignKey() throws {
        let ca = try CertificateAuthority.generate(commonName: "CA one", validity: .days(1))
        let other = try CertificateAuthority.generate(commonName: "CA two", validity: .days(1))
        let leaf = try ca.issue(serviceName: "identity", dnsNames: [], ipAddresses: [], validity: .days(1))
        let notCA = try #require(throws: TLSError.self) {
            try CertificateAuthority(certificatePEM: leaf.certificatePEM, privateKeyPEM: leaf.privateKeyPEM)
        }
        #expect(notCA.code == .invalidConfiguration)
        let mismatch = try #require(throws: TLSError.self) {
            try CertificateAuthority(certificatePEM: ca.certificatePEM, privateKeyPEM: other.privateKeyPEM)
        }
        #expect(mismatch.code == .invalidConfiguration)
        #expect(throws: TLSError.self) { try CertificateAuthority(certificatePEM: "nonsense", privateKeyPEM: "") }
    }

    @Test func issuedCertificatesAreDistinctAndNameTheServiceFirst() throws {
        let mesh = try TLSTestMesh()
        let first = try mesh.ca.issue(serviceName: "identity", dnsNames: ["localhost", "identity", "*.svc.local"],
                                      ipAddresses: ["127.0.0.1", "::1"], validity: .days(1))
        let second = try mesh.ca.issue(serviceName: "identity", dnsNames: [], ipAddresses: [], validity: .days(1))
        #expect(first.certificatePEM != second.certificatePEM)
        #expect(first.privateKeyPEM != second.privateKeyPEM)
        // peerIdentity is the first DNS SAN: the service name, even when other names are listed.
        let server = try TLSContext.server(certificateChain: first.certificatePEM, privateKey: first.privateKeyPEM,
                                           trustRoots: mesh.ca.certificatePEM)
        for name in ["identity", "localhost", "a.svc.local", "::1"] {
            let pipe = try TLSPipe(client: mesh.client("router"), server: server, serverName: name)
            #expect(try pipe.pump().client.get() == .established, "server name \(name)")
            #expect(pipe.client.peerIdentity == "identity")
        }
    }

    @Test(arguments: [
        ("", [String](), [String]()),
        ("bad name", [], []),
        ("identity", ["ok", "not ok"], []),
        ("identity", ["a..b"], []),
        ("identity", [], ["300.1.1.1"]),
        ("identity", [], ["localhost"]),
        (String(repeating: "a", count: 65), [], []),
    ])
    func issueRejectsInvalidNames(service: String, dns: [String], ips: [String]) throws {
        let mesh = try TLSTestMesh()
        let error = try #require(throws: TLSError.self) {
            try mesh.ca.issue(serviceName: service, dnsNames: dns, ipAddresses: ips, validity: .days(1))
        }
        #expect(error.code == .invalidConfiguration)
    }

    @Test func issueRejectsAnInvertedValidity() throws {
        let mesh = try TLSTestMesh()
        let inverted = CertificateValidity(notBefore: Date(), notAfter: Date() - 60)
        #expect(throws: TLSError.self) {
            try mesh.ca.issue(serviceName: "identity", dnsNames: [], ipAddresses: [], validity: inverted)
        }
    }

    @Test func descriptionsNeverShowThePrivateKey() throws {
        let mesh = try TLSTestMesh()
        let issued = try mesh.issue("identity")
        for text in [String(describing: mesh.ca), String(reflecting: mesh.ca),
                     String(describing: issued), String(reflecting: issued)] {
            #expect(!text.contains("PRIVATE KEY"))
        }
        var dumped = ""
        dump(issued, to: &dumped)
        dump(mesh.ca, to: &dumped)
        #expect(!dumped.contains("PRIVATE KEY"))
        #expect(dumped.contains("BEGIN CERTIFICATE"))
    }
}
