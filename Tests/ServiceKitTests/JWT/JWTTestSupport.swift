import Foundation
@testable import ServiceKit

/// Builds tokens by hand for the JWT tests (including hostile ones).
enum JWTTestSupport {
    static let issuer = "https://identity.test"
    static let now = Date(timeIntervalSince1970: 1_750_000_000)
    static let nowSeconds = 1_750_000_000

    static func claims(
        aud: String = "prj_a", exp: Int? = nil, iat: Int? = nil, nbf: Int? = nil, iss: String = issuer
    ) -> JWTClaims {
        JWTClaims(
            iss: iss, sub: "usr_1", aud: aud, exp: exp ?? nowSeconds + 3600, iat: iat ?? nowSeconds, nbf: nbf,
            sid: "ses_1", role: "authenticated", email: "ana@example.com"
        )
    }

    /// A compact JWS of raw header and payload JSON, signed with `key` (or given `signature`).
    static func token(header: String, payload: String, key: Ed25519PrivateKey?, signature: [UInt8]? = nil) throws
        -> String
    {
        let input = Base64URL.encode(header) + "." + Base64URL.encode(payload)
        let bytes = try signature ?? key.map { try $0.signature(for: input) } ?? []
        return input + "." + Base64URL.encode(bytes)
    }

    /// The claims JSON as the signer writes it.
    static func payload(_ claims: JWTClaims) -> String {
        let token = try! JWTSigner(kid: "x", privateKey: Ed25519PrivateKey()).sign(claims)
        let part = token.split(separator: ".")[1]
        return String(decoding: Base64URL.decode(part)!, as: UTF8.self)
    }
}
