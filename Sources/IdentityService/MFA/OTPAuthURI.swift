import Foundation

/// The `otpauth://totp/…` URI authenticator apps read from a QR code (Google Authenticator's key URI format):
/// `otpauth://totp/<issuer>:<email>?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30`.
enum OTPAuthURI {
    /// The URI for `secret` (base32) of `email`, shown under `issuer` (the project's site host, or its id).
    static func make(issuer: String, email: String, secret: String) -> String {
        let label = escape(issuer) + ":" + escape(email)
        return "otpauth://totp/\(label)?secret=\(secret)&issuer=\(escape(issuer))&algorithm=SHA1&digits=6&period=30"
    }

    /// The name an app shows: the host of the project's `site_url`, or the project id without one.
    static func issuer(siteURL: String?, projectID: String) -> String {
        siteURL.flatMap { URL(string: $0)?.host } ?? projectID
    }

    /// RFC 3986 unreserved characters kept, everything else percent-encoded (so `:`, `@`, `&` cannot split).
    private static func escape(_ text: String) -> String {
        var unreserved = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: "\u{0}"..."\u{7F}"))
        unreserved.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }
}
