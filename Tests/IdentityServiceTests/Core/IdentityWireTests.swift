import Contracts
import Foundation
import Testing
import Wire
@testable import IdentityService
@testable import ServiceKit

/// The contract over a real `WireServer`/`WireClient` pair with mesh certificates: the Router's view.
@Suite("Identity over Wire", .enabled(if: IdentityCoreHarness.isAvailable))
struct IdentityWireTests {
    @Test("signup, password grant, refresh, user, logout, keys and revocations through the typed client")
    func contract() async throws {
        try await IdentityCoreHarness.with { h in
            let ca = try CertificateAuthority.generate(commonName: "identity test CA", validity: .days(1))
            let serverCert = try ca.issue(serviceName: "identity", dnsNames: [], ipAddresses: ["127.0.0.1"], validity: .days(1))
            let routerCert = try ca.issue(serviceName: "router", dnsNames: [], ipAddresses: [], validity: .days(1))
            let vaultCert = try ca.issue(serviceName: "vault", dnsNames: [], ipAddresses: [], validity: .days(1))
            let group = try EventLoopGroup(loopCount: 1)
            let server = WireServer(
                host: "127.0.0.1", port: 0,
                tls: try TLSContext.server(
                    certificateChain: serverCert.certificatePEM, privateKey: serverCert.privateKeyPEM, trustRoots: ca.certificatePEM),
                group: group, configuration: WireServer.Configuration(serviceName: "identity"))
            h.app.register(on: server)
            try server.start()
            func client(_ issued: IssuedCertificate) throws -> WireClient {
                WireClient(
                    service: "identity", endpoints: [WireEndpoint(host: "127.0.0.1", port: server.port)],
                    tls: try TLSContext.client(
                        certificateChain: issued.certificatePEM, privateKey: issued.privateKeyPEM, trustRoots: ca.certificatePEM),
                    group: group, configuration: WireClient.Configuration(connectTimeout: .seconds(2)))
            }
            let routerClient = try client(routerCert)
            let vaultClient = try client(vaultCert)
            let identity = IdentityContract.Client(routerClient)
            do {
                let context = CallContext(requestID: "w1", projectID: "prj_w", clientAddress: "198.51.100.1", deadline: .now + .seconds(10))
                let signup = try await identity.signup(SignupRequest(email: "Wire@Example.com", password: "correct horse"), context)
                let session = try #require(signup.session)
                #expect(signup.user.email == "wire@example.com")

                do {
                    _ = try await identity.passwordGrant(PasswordGrantRequest(email: "wire@example.com", password: "bad password"), context)
                    Issue.record("a wrong password signed in")
                } catch let error as WireError {
                    #expect(error.code == .unauthenticated && PublicError(error)?.code == .invalidCredentials)
                }
                do {
                    _ = try await identity.signup(SignupRequest(email: "wire@example.com", password: "correct horse"), context)
                    Issue.record("a duplicate signup succeeded")
                } catch let error as WireError {
                    #expect(PublicError(error)?.code == .conflict)
                }

                let next = try await identity.refreshGrant(RefreshGrantRequest(refreshToken: session.refreshToken), context)
                var userContext = context
                userContext.subject = next.user.id
                userContext.sessionID = try IdentityCoreHarness.unverifiedClaim(next.accessToken, "sid")
                #expect(try await identity.getUser(userContext).id == signup.user.id)
                #expect(try await identity.updateUser(UpdateUserRequest(data: #"{"k":"v"}"#), userContext).data == #"{"k":"v"}"#)

                let keys = try await identity.publicKeys(CallContext(requestID: "w2", deadline: .now + .seconds(5)))
                #expect(keys.issuer == "test-issuer")
                #expect(keys.keys.map(\.kid) == [try IdentityCoreHarness.kid(next.accessToken)])

                let before = try await identity.revokedSessions(RevokedSessionsRequest(cursor: 0), CallContext(requestID: "w3"))
                try await identity.logout(LogoutRequest(scope: "local"), userContext)
                let after = try await identity.revokedSessions(RevokedSessionsRequest(cursor: before.cursor), CallContext(requestID: "w4"))
                #expect(after.sessions.map(\.sessionID) == [userContext.sessionID!])

                let users = try await identity.listUsers(PageQuery(limit: 10), context)
                #expect(users.data.map(\.id) == [signup.user.id])
                let audit = try await identity.listAudit(PageQuery(limit: 10), context)
                #expect(audit.data.first?.action == "logout")
                let settings = try await identity.updateSettings(UpdateIdentitySettingsRequest(accessTokenLifetime: 900), context)
                #expect(try await identity.getSettings(context) == settings)
                try await identity.deleteUser(UserIDRequest(id: signup.user.id), context)
                #expect(try await identity.listUsers(PageQuery(), context).data.isEmpty)

                // Only the Router may call Identity.
                do {
                    _ = try await IdentityContract.Client(vaultClient).publicKeys(CallContext(requestID: "w5"))
                    Issue.record("a vault certificate reached identity.PublicKeys")
                } catch let error as WireError {
                    #expect(error.code == .permissionDenied)
                }
            } catch {
                routerClient.close()
                vaultClient.close()
                await server.shutdownGracefully(timeout: .seconds(2))
                await group.shutdownGracefully()
                throw error
            }
            routerClient.close()
            vaultClient.close()
            await server.shutdownGracefully(timeout: .seconds(2))
            await group.shutdownGracefully()
        }
    }
}
