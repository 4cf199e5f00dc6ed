import Foundation
import Testing
@testable import Wire

@Suite("TLSContext configuration")
struct TLSContextTests {
    /// A fresh temporary directory for one test, removed by the caller.
    private func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tls-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func pathFactoriesBuildWorkingContexts() throws {
        let mesh = try TLSTestMesh()
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        func write(_ text: String, _ name: String) throws -> String {
            let url = directory.appendingPathComponent(name)
            try text.write(to: url, atomically: true, encoding: .utf8)
            return url.path
        }
        let ca = try write(mesh.ca.certificatePEM, "ca.pem")
        let identity = try mesh.issue("identity")
        let router = try mesh.issue("router")
        let server = try TLSContext.server(certificateChainPath: write(identity.certificatePEM, "identity.pem"),
                                           privateKeyPath: write(identity.privateKeyPEM, "identity.key"),
                                           trustRootsPath: ca)
        let client = try TLSContext.client(certificateChainPath: write(router.certificatePEM, "router.pem"),
                                           privateKeyPath: write(router.privateKeyPEM, "router.key"),
                                           trustRootsPath: ca)
        let pipe = try TLSPipe(client: client, server: server)
        #expect(try pipe.pump().server.get() == .established)
        #expect(pipe.server.peerIdentity == "router")
    }

    @Test func pathFactoriesNameTheFailingPathNotItsContents() throws {
        let mesh = try TLSTestMesh()
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let identity = try mesh.issue("identity")
        let chain = directory.appendingPathComponent("identity.pem").path
        let ca = directory.appendingPathComponent("ca.pem").path
        let key = directory.appendingPathComponent("garbage.key").path
        try identity.certificatePEM.write(toFile: chain, atomically: true, encoding: .utf8)
        try mesh.ca.certificatePEM.write(toFile: ca, atomically: true, encoding: .utf8)
        try "-----BEGIN PRIVATE KEY-----\nSECRETSECRETSECRET\n-----END PRIVATE KEY-----\n"
            .write(toFile: key, atomically: true, encoding: .utf8)

        let missing = directory.appendingPathComponent("missing.pem").path
        let notFound = try #require(throws: TLSError.self) {
            try TLSContext.client(certificateChainPath: missing, privateKeyPath: key, trustRootsPath: ca)
        }
        #expect(notFound.code == .invalidConfiguration)
        #expect(notFound.description.contains(missing))

        let badKey = try #require(throws: TLSError.self) {
            try TLSContext.server(certificateChainPath: chain, privateKeyPath: key, trustRootsPath: ca)
        }
        #expect(badKey.code == .invalidConfiguration)
        #expect(badKey.description.contains(key))
        #expect(!badKey.description.contains("SECRET"))
    }

    @Test func factoriesRejectBadMaterial() throws {
        let mesh = try TLSTestMesh()
        let identity = try mesh.issue("identity")
        let other = try mesh.issue("comms")
        let roots = mesh.ca.certificatePEM
        var errors: [TLSError] = []
        func attempt(_ make: () throws -> TLSContext) {
            do { _ = try make() } catch let error as TLSError { errors.append(error) } catch {}
        }
        attempt { try .server(certificateChain: identity.certificatePEM, privateKey: other.privateKeyPEM, trustRoots: roots) }
        attempt { try .server(certificateChain: "", privateKey: identity.privateKeyPEM, trustRoots: roots) }
        attempt { try .server(certificateChain: identity.certificatePEM, privateKey: identity.privateKeyPEM, trustRoots: nil) }
        attempt {
            try .server(certificateChain: identity.certificatePEM, privateKey: identity.privateKeyPEM,
                        trustRoots: roots, requireClientCertificate: false)
        }
        attempt { try .client(certificateChain: identity.certificatePEM, privateKey: identity.privateKeyPEM, trustRoots: "x") }
        #expect(errors.count == 5)
        #expect(errors.allSatisfy { $0.code == .invalidConfiguration })
        #expect(errors.allSatisfy { !$0.description.contains("PRIVATE KEY") })
    }

    @Test func certificateChainWithIntermediateIsAccepted() throws {
        let mesh = try TLSTestMesh()
        let identity = try mesh.issue("identity")
        // The CA certificate appended as a (redundant) chain element exercises the intermediate path.
        let context = try TLSContext.server(certificateChain: identity.certificatePEM + mesh.ca.certificatePEM,
                                            privateKey: identity.privateKeyPEM, trustRoots: mesh.ca.certificatePEM)
        let pipe = try TLSPipe(client: mesh.client("router"), server: context)
        #expect(try pipe.pump().client.get() == .established)
    }
}
