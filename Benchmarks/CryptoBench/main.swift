import Foundation
import ServiceKit

// In-process figures for the identity hot paths (release build; not a test):
//   swift run -c release CryptoBench [seconds per figure, default 3]
// Prints one JSON line per operation: JWT sign and verify (the Router verifies one token per bearer request),
// scrypt at the password parameters (N=2^15, r=8, p=1), which dominates the password grant by design, and
// HMAC-SHA256 (the API-key hash, one-shot and with the prepared pepper; a 41-byte message under a random 32-byte key).

let seconds = CommandLine.arguments.dropFirst().first.flatMap(Double.init) ?? 3

/// Runs `body` repeatedly for `seconds` and prints operations per second and the mean time per operation.
func measure(_ name: String, _ body: () throws -> Void) rethrows {
    for _ in 0..<100 { try body() }  // warm up
    var count = 0
    let start = ContinuousClock.now
    let budget = Duration.milliseconds(Int(seconds * 1000))
    while ContinuousClock.now - start < budget {
        for _ in 0..<10 { try body() }
        count += 10
    }
    let elapsed = ContinuousClock.now - start
    let total = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let line: [String: Any] = ["operation": name, "ops_per_s": (Double(count) / total).rounded(),
                               "us_per_op": (total / Double(count) * 1e6 * 10).rounded() / 10]
    let data = try! JSONSerialization.data(withJSONObject: line, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

let key = Ed25519PrivateKey()
let signer = JWTSigner(kid: "bench", privateKey: key)
let verifier = JWTVerifier(issuer: "purrpurr-identity", keys: ["bench": key.publicKey])
let now = Int(Date().timeIntervalSince1970)
let claims = JWTClaims(
    iss: "purrpurr-identity", sub: "usr_0123456789abcdefghij", aud: "prj_0123456789ab", exp: now + 3600, iat: now,
    sid: "ses_0123456789abcdefghij", role: "authenticated", email: "ana@example.com")
let token = try signer.sign(claims)
try measure("jwt.sign") { _ = try signer.sign(claims) }
try measure("jwt.verify") { _ = try verifier.verify(token, audience: "prj_0123456789ab", now: Date()) }
let salt = SecureRandom.bytes(16)
var scryptCount = 0
let scryptStart = ContinuousClock.now
while scryptCount < 10 || ContinuousClock.now - scryptStart < .seconds(2) {
    _ = try Scrypt.deriveKey(password: "correct horse battery", salt: salt, n: 1 << 15, r: 8, p: 1, length: 32)
    scryptCount += 1
}
let scryptTime = ContinuousClock.now - scryptStart
let scryptSeconds = Double(scryptTime.components.seconds) + Double(scryptTime.components.attoseconds) / 1e18
print(#"{"operation":"scrypt.N32768.r8.p1","ms_per_op":\#((scryptSeconds / Double(scryptCount) * 10000).rounded() / 10)}"#)

// The Router's keyed hash of an API key's secret part (48 characters) under the pepper, per request.
let pepper = Array(String(repeating: "p", count: 64).utf8)
let secretPart = String(repeating: "s", count: 48)
let preparedPepper = HMACSHA256.Key(pepper)
measure("hmac.sha256.apikey") { _ = HMACSHA256.authenticationCode(for: secretPart, key: pepper) }
measure("hmac.sha256.apikey.prepared") { _ = preparedPepper.authenticationCode(for: secretPart) }

// A 41-byte message (an API key's length) under a random 32-byte key, one-shot over bytes: the figure the unit tests
// used to print (HMACSHA256Tests.roughCost), which belongs here rather than in a test.
let shortKey = SecureRandom.bytes(32)
let shortMessage = Array("psk_live_0123456789abcdefghijklmnopqrstuv".utf8)
measure("hmac.sha256.41B.key32") { _ = HMACSHA256.authenticationCode(for: shortMessage, key: shortKey) }

// An OpenID provider's ID token, verified once per social sign-in (at the callback): RS256 with a 2048-bit key and
// ES256, keys built from their JWKS once (as Identity caches them), claims parsed after the signature.
let rsaIDKey = try JWSSigningKey.rs256(kid: "rsa")
let ecIDKey = try JWSSigningKey.es256(kid: "ec")
let idKeys = try OIDCKeySet(jwks: JWSSigningKey.jwks([rsaIDKey, ecIDKey]))
let idVerifier = IDTokenVerifier(issuer: "https://op.example", clientID: "client")
let idClaims: [String: Any] = [
    "iss": "https://op.example", "aud": "client", "sub": "248289761001", "iat": now, "exp": now + 300, "nonce": "n-0S6",
    "email": "ana@example.com", "email_verified": true,
]
let rsaIDToken = try rsaIDKey.sign(claims: idClaims)
let ecIDToken = try ecIDKey.sign(claims: idClaims)
try measure("id_token.verify.rs256") { _ = try idVerifier.verify(rsaIDToken, keys: idKeys, nonce: "n-0S6", now: Date()) }
try measure("id_token.verify.es256") { _ = try idVerifier.verify(ecIDToken, keys: idKeys, nonce: "n-0S6", now: Date()) }
