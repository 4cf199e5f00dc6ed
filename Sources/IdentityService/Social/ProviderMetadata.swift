import Foundation
import ServiceKit
import Synchronization

/// The OpenID providers' discovery documents and key sets, fetched through ``ProviderHTTP`` and cached.
///
/// A discovery document (`<issuer>/.well-known/openid-configuration`) is kept for ``SocialConfig/metadataLifetime``;
/// its `issuer` must be the configured one (OpenID Discovery §4.3; Microsoft's `{tenantid}` template excepted).
/// A key set is kept as long, and fetched again when a token names a `kid` it lacks (the provider rotated its
/// keys) — at most once per ``SocialConfig/keyRefetchInterval`` per set, so forged `kid`s cannot make Identity
/// hammer a provider.
final class ProviderMetadata: Sendable {
    /// What Identity needs from a discovery document.
    struct Discovery: Sendable {
        let issuer: String
        let authorizationEndpoint: String
        let tokenEndpoint: String
        let jwksURI: String
    }

    private struct Cached<Value: Sendable>: Sendable {
        let value: Value
        let fetchedAt: Date
    }

    private let http: ProviderHTTP
    private let lifetime: TimeInterval
    private let refetchInterval: TimeInterval
    private let clock: IdentityClock
    private let discoveries = Mutex<[String: Cached<Discovery>]>([:])
    private let keySets = Mutex<[String: Cached<OIDCKeySet>]>([:])

    init(http: ProviderHTTP, config: SocialConfig, clock: IdentityClock) {
        self.http = http
        self.lifetime = config.metadataLifetime
        self.refetchInterval = config.keyRefetchInterval
        self.clock = clock
    }

    /// The discovery document of `issuer` (cached).
    func discovery(issuer: String) async throws(ProviderFailure) -> Discovery {
        let now = clock.now()
        if let cached = discoveries.withLock({ $0[issuer] }), now.timeIntervalSince(cached.fetchedAt) < lifetime {
            return cached.value
        }
        let base = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
        guard let document = try await http.getJSON(base + "/.well-known/openid-configuration") as? [String: Any],
              let named = document["issuer"] as? String,
              let authorization = document["authorization_endpoint"] as? String,
              let token = document["token_endpoint"] as? String, let jwks = document["jwks_uri"] as? String
        else { throw ProviderFailure("the discovery document lacks issuer, endpoints or jwks_uri") }
        guard named == issuer || named.contains("{tenantid}") else {
            throw ProviderFailure("the discovery document names another issuer")
        }
        let discovery = Discovery(issuer: named, authorizationEndpoint: authorization, tokenEndpoint: token, jwksURI: jwks)
        discoveries.withLock { $0[issuer] = Cached(value: discovery, fetchedAt: now) }
        return discovery
    }

    /// The key set at `uri`, fetched again when stale or when it lacks `kid` (and the last fetch is older than
    /// the refetch interval).
    func keys(uri: String, needing kid: String?) async throws(ProviderFailure) -> OIDCKeySet {
        let now = clock.now()
        if let cached = keySets.withLock({ $0[uri] }) {
            let age = now.timeIntervalSince(cached.fetchedAt)
            let lacksKey = kid.map { cached.value.keys[$0] == nil } ?? false
            if age < lifetime, !lacksKey || age < refetchInterval { return cached.value }
        }
        let set: OIDCKeySet
        do {
            set = try OIDCKeySet(jwks: try await http.getBytes(uri))
        } catch let failure as ProviderFailure {
            throw failure
        } catch {
            throw ProviderFailure("the JWKS document is malformed")
        }
        keySets.withLock { $0[uri] = Cached(value: set, fetchedAt: now) }
        return set
    }
}
