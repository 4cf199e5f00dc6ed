import Contracts
import Foundation
import ServiceKit
import Wire

/// The contract's JSON shapes of the identity routes, rendered from the Wire contract's types.
enum IdentityJSON {
    /// `{"id","email","email_confirmed_at","created_at","last_sign_in_at","data"}`; `data` is the user's JSON
    /// object (the service keeps it as text; unparsable text shows as `{}`).
    static func user(_ user: UserView) -> JSONValue {
        [
            "id": .string(user.id), "email": .string(user.email), "email_confirmed_at": .date(user.emailConfirmedAt),
            "created_at": .date(user.createdAt), "last_sign_in_at": .date(user.lastSignInAt),
            "data": JSONValue.parse(user.data) ?? .object([]),
        ]
    }

    /// `{"access_token","token_type","expires_in","expires_at","refresh_token","user"}`.
    static func session(_ session: SessionView) -> JSONValue {
        [
            "access_token": .string(session.accessToken), "token_type": .string(session.tokenType),
            "expires_in": .int(session.expiresIn), "expires_at": .date(session.expiresAt),
            "refresh_token": .string(session.refreshToken), "user": user(session.user),
        ]
    }

    /// `{"at","action","user_id","ip","detail"}`.
    static func audit(_ event: AuditEventView) -> JSONValue {
        [
            "at": .date(event.at), "action": .string(event.action), "user_id": .string(event.userID),
            "ip": .string(event.ip), "detail": .string(event.detail),
        ]
    }

    /// The project's identity settings.
    static func settings(_ settings: IdentitySettings) -> JSONValue {
        [
            "site_url": .string(settings.siteURL),
            "redirect_allow_list": .array(settings.redirectAllowList.map(JSONValue.string)),
            "confirm_email": .bool(settings.confirmEmail), "access_token_lifetime": .int(settings.accessTokenLifetime),
            "magic_link_lifetime": .int(settings.magicLinkLifetime), "recovery_lifetime": .int(settings.recoveryLifetime),
            "confirmation_lifetime": .int(settings.confirmationLifetime),
        ]
    }

    /// `{"keys":[JWK…]}` of the set's Ed25519 keys whose retirement has not passed at `now`.
    static func jwks(_ set: SigningKeySet, now: Date) -> JSONValue {
        let keys = set.keys.compactMap { key -> JSONValue? in
            // A raw Ed25519 public key is 32 bytes; building an OpenSSL key per request just to print it would
            // cost more than the rest of the route.
            guard key.algorithm == "EdDSA", key.retiresAt.map({ $0 > now }) ?? true, key.publicKey.count == 32
            else { return nil }
            return [
                "kty": "OKP", "crv": "Ed25519", "x": .string(Base64URL.encode(key.publicKey)), "kid": .string(key.kid),
                "alg": "EdDSA", "use": "sig",
            ]
        }
        return ["keys": .array(keys)]
    }
}
