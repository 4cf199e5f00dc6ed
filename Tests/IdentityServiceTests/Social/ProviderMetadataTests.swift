import Foundation
import Testing
import Wire
@testable import IdentityService
@testable import ServiceKit

/// The key-set cache: kept an hour, fetched again for an unknown `kid` (rotation) but at most once per 5 s, so
/// tokens with made-up `kid`s cannot make Identity hammer a provider. Against a real HTTP server on loopback.
@Suite("Provider metadata cache", .serialized)
struct ProviderMetadataTests {
    @Test("an unknown kid refetches the JWKS at most once per 5 s; a stale set is refetched; discovery is cached")
    func keySetRefetch() async throws {
        let server = try FakeGitHub()
        let (clock, advance) = IdentityClock.manual()
        let client = try GuardedHTTPClient(
            group: try ServiceContext.sharedEventLoopGroup(),
            policy: OutboundPolicy(allowedPorts: OutboundPolicy.anyPort, allowsPrivateNetworks: true))
        let metadata = ProviderMetadata(
            http: ProviderHTTP(client: client), config: SocialConfig(allowsPrivateNetworks: true), clock: clock)
        do {
            let first = try JWSSigningKey.es256(kid: "k1")
            server.jwks.withLock { $0 = JWSSigningKey.jwks([first]) }
            let uri = server.base + "/jwks"
            #expect(try await metadata.keys(uri: uri, needing: "k1").keys["k1"] != nil)
            #expect(try await metadata.keys(uri: uri, needing: "k1").keys.count == 1)
            #expect(server.jwksFetches.withLock { $0 } == 1)

            // The provider rotates; a token with the new kid arrives at once: no refetch within 5 s.
            let second = try JWSSigningKey.rs256(kid: "k2")
            server.jwks.withLock { $0 = JWSSigningKey.jwks([first, second]) }
            #expect(try await metadata.keys(uri: uri, needing: "k2").keys["k2"] == nil)
            #expect(try await metadata.keys(uri: uri, needing: "forged").keys["k2"] == nil)
            #expect(server.jwksFetches.withLock { $0 } == 1)
            advance(6)
            #expect(try await metadata.keys(uri: uri, needing: "k2").keys["k2"] != nil)
            #expect(server.jwksFetches.withLock { $0 } == 2)
            // Forged kids after that: at most one fetch per 5 s.
            for _ in 0..<5 { _ = try await metadata.keys(uri: uri, needing: "forged") }
            #expect(server.jwksFetches.withLock { $0 } == 2)
            advance(3601)
            _ = try await metadata.keys(uri: uri, needing: nil)
            #expect(server.jwksFetches.withLock { $0 } == 3)

            let discovery = try await metadata.discovery(issuer: server.base)
            #expect(discovery.jwksURI == uri)
            #expect(discovery.tokenEndpoint == server.base + "/token")
            await #expect(throws: ProviderFailure.self) { _ = try await metadata.discovery(issuer: server.base + "/other") }
        } catch {
            client.shutdown()
            await server.stop()
            throw error
        }
        client.shutdown()
        await server.stop()
    }
}
