import Foundation

extension SMTPSession {
    /// AUTH PLAIN (preferred) or AUTH LOGIN (RFC 4954, 4616). The lines sent carry the credentials, so no
    /// outcome detail ever quotes them: only the relay's replies. `535` (and any other 5xx) is permanent:
    /// the credentials are wrong and retrying cannot help.
    static func authenticate(
        _ connection: SMTPConnection, username: String, password: String, capabilities: SMTPCapabilities,
        timeout: Duration
    ) async throws(OpenFailure) {
        let step = "the reply to AUTH"
        let final: SMTPReply
        if capabilities.authMechanisms.contains("PLAIN") {
            let token = base64([0] + Array(username.utf8) + [0] + Array(password.utf8))
            final = try await Self.step { () throws(SMTPTransportError) in
                try await connection.command("AUTH PLAIN \(token)", timeout: timeout, step: step)
            }
        } else if capabilities.authMechanisms.contains("LOGIN") {
            let start = try await Self.step { () throws(SMTPTransportError) in
                try await connection.command("AUTH LOGIN", timeout: timeout, step: step)
            }
            guard start.code == 334 else { throw refused("AUTH", start, permanentIf5xx: true) }
            let user = try await Self.step { () throws(SMTPTransportError) in
                try await connection.command(base64(Array(username.utf8)), timeout: timeout, step: step)
            }
            guard user.code == 334 else { throw refused("AUTH", user, permanentIf5xx: true) }
            final = try await Self.step { () throws(SMTPTransportError) in
                try await connection.command(base64(Array(password.utf8)), timeout: timeout, step: step)
            }
        } else {
            throw OpenFailure(outcome: .permanentFailure(
                detail: "relay offers no supported AUTH mechanism (PLAIN or LOGIN)", rejected: []))
        }
        guard final.code == 235 else { throw refused("AUTH", final, permanentIf5xx: true) }
    }

    private static func base64(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }
}
