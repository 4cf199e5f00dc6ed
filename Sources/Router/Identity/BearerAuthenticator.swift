import Foundation
import ServiceKit

/// The end-user check of `.keyAndBearer` routes: `Authorization: Bearer <jwt>` verified locally with
/// Identity's keys (``IdentityKeyCache``), for the API key's project (`aud`), against the revocations
/// (``SessionDenylist``).
///
/// Missing or malformed header, bad signature, unknown kid (after one rate-limited refresh), wrong `aud` or
/// `iss`, a token not yet valid, a revoked session → 401 `INVALID_TOKEN`; expired → 401 `TOKEN_EXPIRED`;
/// identity not configured, no keys loaded, or revocations not known fresh → 503 `SERVICE_UNAVAILABLE`.
struct BearerAuthenticator: Sendable {
    /// The keys.
    let keys: IdentityKeyCache
    /// The revocations.
    let denylist: SessionDenylist

    /// The verified claims of the request's bearer token for `projectID`.
    func authenticate(authorization: String?, projectID: String, now: Date) async throws(RouterError) -> JWTClaims {
        guard self.keys.isConfigured else { throw .serviceUnavailable }
        guard let token = Self.bearerToken(authorization) else { throw .invalidToken }
        var verifier = self.keys.current
        if verifier == nil { verifier = await self.keys.refresh() }
        guard let verifier else { throw .serviceUnavailable }
        var outcome = Self.verify(token, with: verifier, projectID: projectID, now: now)
        if case .unknownKey = outcome, let refreshed = await self.keys.refresh() {
            // Perhaps a key Identity has just started using: refresh (at most once per few seconds, shared by
            // concurrent requests) and retry once. A made-up kid meets the same refusal after that.
            outcome = Self.verify(token, with: refreshed, projectID: projectID, now: now)
        }
        let claims: JWTClaims
        switch outcome {
        case .verified(let verified): claims = verified
        case .unknownKey: throw .invalidToken
        case .refused(let error): throw error
        }
        switch self.denylist.status(of: claims.sid, now: now) {
        case .allowed: return claims
        case .revoked: throw .invalidToken
        case .stale: throw .serviceUnavailable
        }
    }

    /// What one verification found.
    private enum Outcome {
        case verified(JWTClaims)
        case unknownKey
        case refused(RouterError)
    }

    /// Verifies, mapping every failure but `unknownKey` to the contract's error.
    private static func verify(_ token: Substring, with verifier: JWTVerifier, projectID: String, now: Date) -> Outcome {
        do {
            return .verified(try verifier.verify(String(token), audience: projectID, now: now))
        } catch .unknownKey {
            return .unknownKey
        } catch .expired {
            return .refused(.tokenExpired)
        } catch {
            return .refused(.invalidToken)
        }
    }

    /// The token of `Bearer <token>` (scheme case-insensitive, one or more spaces); nil otherwise.
    static func bearerToken(_ header: String?) -> Substring? {
        guard let header, header.utf8.count > 7, header.prefix(7).lowercased() == "bearer " else { return nil }
        let token = header.dropFirst(7).drop { $0 == " " }
        guard !token.isEmpty, !token.contains(" ") else { return nil }
        return token
    }
}
