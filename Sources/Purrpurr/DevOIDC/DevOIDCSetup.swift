import Foundation
import ServiceKit
import Wire

/// The development OpenID provider `purrpurr up` runs beside the mesh (``DevOIDCProvider``), configured as the
/// demo project's `oidc` provider on every start (its port changes from run to run), so a newcomer can try
/// social login locally (README → Social login).
struct DevOIDCSetup: Sendable {
    /// The demo project's client at the development provider.
    static let clientID = "purrpurr-dev"
    /// Its secret (development only; stored sealed by Identity like any other).
    static let clientSecret = "purrpurr-dev-secret"
    /// A PKCE verifier for trying the flow by hand (the banner prints its challenge).
    static let verifier = "purrpurr-dev-verifier-0123456789-abcdefghijklmnop"

    let provider: DevOIDCProvider
    private let group: EventLoopGroup

    /// Starts the provider on its own event loop, on the loopback port of the previous run (kept in
    /// `<stateDirectory>/dev-oidc.port`) when it is free, else on a free one. A stable port keeps the issuer
    /// stable, and identities are bound to their issuer: with a new one, a returning user's earlier identity would
    /// not match (`error=identity_conflict`).
    static func start(stateDirectory: String) throws -> DevOIDCSetup {
        let group = try EventLoopGroup(loopCount: 1)
        let file = stateDirectory + "/dev-oidc.port"
        let stored = (try? String(contentsOfFile: file, encoding: .utf8))
            .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        let provider: DevOIDCProvider
        if let stored, LocalPorts.isFree(stored),
           let reused = try? DevOIDCProvider.start(group: group, port: stored, clientID: clientID, clientSecret: clientSecret) {
            provider = reused
        } else {
            provider = try DevOIDCProvider.start(group: group, clientID: clientID, clientSecret: clientSecret)
        }
        try? String(provider.port).write(toFile: file, atomically: true, encoding: .utf8)
        return DevOIDCSetup(provider: provider, group: group)
    }

    /// The S256 challenge of ``verifier``.
    static var challenge: String { Base64URL.encode(SHA256.hash(verifier)) }

    /// `PUT /v1/auth/admin/providers/oidc` for the demo project, naming this provider as its issuer.
    func configure(secretKey: String, routerURL: String) async throws {
        let port = Int(routerURL.split(separator: ":").last ?? "") ?? 0
        let answer = try await LocalHTTPClient.send(
            "PUT", port: port, path: "/v1/auth/admin/providers/oidc", headers: ["X-API-Key": secretKey],
            json: ["client_id": Self.clientID, "client_secret": Self.clientSecret, "enabled": true, "issuer": provider.issuer])
        guard answer.status == 200 else {
            throw LauncherError("configuring the demo project's development OpenID provider failed: HTTP \(answer.status)")
        }
    }

    /// Stops the provider and its event loop.
    func stop() async {
        await provider.stop()
        let group = self.group
        await withCheckedContinuation { done in
            Thread.detachNewThread {
                group.syncShutdownGracefully()
                done.resume()
            }
        }
    }
}
