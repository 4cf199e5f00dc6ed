import Testing
import Wire

@testable import ServiceKit

/// Answers 200 "ok" to everything.
private struct OKResponder: HTTPResponder {
    func respond(to request: HTTPRequest, context: HTTPRequestContext) async -> HTTPResponse {
        HTTPResponse(status: .ok, body: Array("ok".utf8))
    }
}

@Suite("GuardedHTTPClient")
struct GuardedHTTPClientTests {
    /// `localhost` resolves to 127.0.0.1 here without asking DNS.
    private static let resolver: OutboundGuard.Resolver = { host, port in
        [try SocketAddress(ipAddress: host == "localhost" ? "127.0.0.1" : host, port: port)]
    }

    private func code(
        _ url: String, allowsPrivateNetworks: Bool = false, allowsPlainHTTP: Bool? = nil, group: EventLoopGroup
    ) async throws -> HTTPClientError.Code? {
        let policy = OutboundPolicy(allowedPorts: OutboundPolicy.anyPort, allowsPrivateNetworks: allowsPrivateNetworks)
        let client = try GuardedHTTPClient(
            group: group, policy: policy, allowsPlainHTTP: allowsPlainHTTP,
            configuration: .init(connectTimeout: .seconds(5)), resolver: Self.resolver)
        defer { client.shutdown() }
        do {
            _ = try await client.send(try HTTPClientRequest(url: url))
            return nil
        } catch {
            return error.code
        }
    }

    @Test func internalTargetsAndPlainHTTPAreRefused() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        #expect(try await code("http://127.0.0.1/", group: group) == .targetNotAllowed)
        #expect(try await code("http://127.0.0.1/", allowsPlainHTTP: true, group: group) == .targetNotAllowed)
        #expect(try await code("https://169.254.169.254/latest/meta-data/", group: group) == .targetNotAllowed)
        #expect(try await code("https://169.254.169.254/", allowsPrivateNetworks: true, group: group) == .targetNotAllowed)
        #expect(try await code("https://localhost/", group: group) == .targetNotAllowed)
        #expect(try await code("https://[::ffff:10.0.0.1]:8443/", group: group) == .targetNotAllowed)
        await group.shutdownGracefully()
    }

    @Test func thePlatformMayAllowPrivateTargetsAndPlainHTTP() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        let server = try HTTPServer(host: "127.0.0.1", port: 0, group: group, responder: OKResponder())
        // Private networks allowed (`purrpurr up`): plain http to localhost goes through.
        #expect(try await code("http://localhost:\(server.port)/", allowsPrivateNetworks: true, group: group) == nil)
        // Same target, production policy: refused for the scheme before any connection.
        #expect(try await code("http://localhost:\(server.port)/", group: group) == .targetNotAllowed)
        await server.shutdown(timeout: .seconds(2))
        await group.shutdownGracefully()
    }

    @Test func webhookTargetsAllowAnyPort() {
        var reader = EnvironmentReader([:])
        let policy = OutboundPolicy.webhookTargets(reading: &reader)
        #expect(policy.allowedPorts.contains(8443) && policy.allowedPorts.contains(443) && policy.allowedPorts.contains(1))
        #expect(!policy.allowsPrivateNetworks)
    }
}
