import Contracts
import Foundation
import Testing
import Wire
@testable import PurrpurrTestSupport
@testable import Purrpurr

/// Inside the mesh only peers with a certificate from the mesh CA get a connection: every service started by the
/// launcher refuses a client with no certificate and one with a certificate from another CA, and serves one from
/// the development CA that `purrpurr up` made.
@Suite("Mutual TLS (mesh)", .serialized,
       .enabled(if: TestDatabase.serverURL != nil, "PURRPURR_TEST_DATABASE_URL is not set (run scripts/test)"))
struct MutualTLSMeshTests {
    @Test("every service refuses a client without a certificate or with a foreign one", .timeLimit(.minutes(2)))
    func foreignClientsRefused() async throws {
        let mesh = try await LocalMesh.start()
        do {
            let certificates = mesh.directory + "/certs"
            let caPEM = try String(contentsOfFile: certificates + "/ca.pem", encoding: .utf8)
            let mine = try TLSContext.client(
                certificateChain: try String(contentsOfFile: certificates + "/router.crt", encoding: .utf8),
                privateKey: try String(contentsOfFile: certificates + "/router.key", encoding: .utf8), trustRoots: caPEM)
            let other = try CertificateAuthority.generate(commonName: "Foreign CA", validity: .days(1))
            let foreignIssued = try other.issue(serviceName: "router", dnsNames: [], ipAddresses: [], validity: .days(1))
            let foreign = try TLSContext.client(
                certificateChain: foreignIssued.certificatePEM, privateKey: foreignIssued.privateKeyPEM, trustRoots: caPEM)
            // Trusts the mesh CA (so the server's certificate checks out) but presents no certificate at all.
            let anonymous = try TLSContext.publicClient(extraTrustRoots: Array(caPEM.utf8), useSystemTrustStore: false)

            for service in MeshService.allCases.map(\.name) {
                let port = try #require(Self.wirePort(of: service, in: mesh.log(service)), "no wire port in \(service)'s log")
                for (name, tls) in [("no certificate", anonymous), ("a foreign CA", foreign)] {
                    do {
                        let answer = try await Self.ping(port: port, service: service, tls: tls)
                        Issue.record("\(service) answered a client with \(name): \(answer)")
                    } catch let error as WireError {
                        #expect(error.code == .unavailable, "\(service), \(name): \(error)")
                    }
                }
                let health = try await Self.ping(port: port, service: service, tls: mine)
                #expect(health.status == "serving", "\(service) does not serve a mesh peer")
            }
        } catch {
            try await mesh.stop()
            throw error
        }
        try await mesh.stop()
    }

    @Test("GET /v1/openapi.json serves a valid OpenAPI 3.1 document", .timeLimit(.minutes(2)))
    func openAPI() async throws {
        let mesh = try await LocalMesh.start()
        do {
            let answer = try await mesh.http("GET", "/v1/openapi.json")
            #expect(answer.status == 200)
            #expect((answer.json["openapi"] as? String)?.hasPrefix("3.1") == true)
            let paths = try #require(answer.json["paths"] as? [String: Any])
            #expect(paths["/v1/whoami"] != nil && paths["/v1/auth/jwks"] != nil && paths["/v1/comms/email"] != nil)
            // The same validator as CI, on the document as the running Router serves it.
            let file = mesh.directory + "/openapi.json"
            try JSONSerialization.data(withJSONObject: answer.json).write(to: URL(fileURLWithPath: file))
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("../../scripts/validate-openapi.sh").standardizedFileURL.path
            let exit = try await ProcessSpawner.run(
                "/bin/bash", [script, file], environment: ProcessInfo.processInfo.environment,
                logPath: mesh.directory + "/validate-openapi.log")
            #expect(exit.isSuccess, "validate-openapi: \((try? String(contentsOfFile: mesh.directory + "/validate-openapi.log", encoding: .utf8)) ?? "")")
        } catch {
            try await mesh.stop()
            throw error
        }
        try await mesh.stop()
    }

    /// The port of the last `wire listening` line in a service's log.
    static func wirePort(of service: String, in log: String) -> Int? {
        let line = log.split(separator: "\n").last { $0.contains(#""msg":"wire listening""#) }
        guard let line, let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            return nil
        }
        return object["wire.port"] as? Int
    }

    static func ping(port: Int, service: String, tls: TLSContext) async throws -> HealthPingResponse {
        let group = try EventLoopGroup(loopCount: 1)
        let client = WireClient(
            service: service, endpoints: [WireEndpoint(host: "127.0.0.1", port: port)], tls: tls, group: group)
        let result: Result<HealthPingResponse, any Error>
        do {
            result = .success(try await HealthContract.Client(client).ping(
                CallContext(requestID: "mesh-mtls", deadline: .now + .seconds(5))))
        } catch {
            result = .failure(error)
        }
        client.close()
        await group.shutdownGracefully()
        return try result.get()
    }
}
