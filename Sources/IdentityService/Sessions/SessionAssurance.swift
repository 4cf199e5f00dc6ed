import Foundation
import ServiceKit

/// How strongly a session is authenticated: its level (`aal1`, `aal2` after a second factor) and its
/// methods (`amr`), kept on the session row (`sessions.aal`, `sessions.amr`) so a refresh keeps them. `mfa`
/// (whether the user has a verified factor) is read fresh for every token signed.
struct SessionAssurance: Sendable, Hashable {
    /// `aal1` or `aal2`.
    var aal: String
    /// The methods, oldest first.
    var amr: [JWTAuthMethod]

    /// A new sign-in's: `aal1`, `method` at `now`.
    static func signIn(_ method: AuthMethod, at now: Date) -> SessionAssurance {
        SessionAssurance(aal: "aal1", amr: [JWTAuthMethod(method: method.rawValue, timestamp: Int(now.timeIntervalSince1970))])
    }

    /// This session raised to `aal2` by `method` at `now`.
    func elevated(by method: AuthMethod, at now: Date) -> SessionAssurance {
        SessionAssurance(aal: "aal2", amr: amr + [JWTAuthMethod(method: method.rawValue, timestamp: Int(now.timeIntervalSince1970))])
    }

    /// `amr` as stored (JSON text).
    var amrText: String {
        String(decoding: (try? JSONEncoder().encode(amr)) ?? Data("[]".utf8), as: UTF8.self)
    }

    /// The stored form read back; a row from before MFA (empty `amr`) reads as `aal1` with no methods.
    init(aal: String, amrText: String) {
        self.aal = aal
        self.amr = (try? JSONDecoder().decode([JWTAuthMethod].self, from: Data(amrText.utf8))) ?? []
    }

    /// Creates an assurance.
    init(aal: String, amr: [JWTAuthMethod]) {
        self.aal = aal
        self.amr = amr
    }
}

/// The `amr` methods Identity records.
enum AuthMethod: String, Sendable {
    /// A password grant, or a signup with a password.
    case password
    /// A magic link or code, or a signup confirmation link.
    case magiclink
    /// A recovery link or code.
    case recovery
    /// A social (OAuth / OpenID Connect) sign-in.
    case oauth
    /// A TOTP code.
    case totp
    /// An MFA recovery code.
    case recoveryCode = "recovery_code"
}
