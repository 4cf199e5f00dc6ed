/// Where and how to relay: parsed from `smtp://user:pass@host:port?tls=starttls|implicit|none`
/// (also `smtps://` = implicit).
///
/// Default `tls`: `starttls` (required: the client refuses to send if the server does not offer it), or
/// `implicit` for `smtps://` and for port 465. Default port: 465 with implicit TLS, else 587.
/// The user and password are percent-decoded; a password may also hold `@`, `/`, `?` unencoded (the last `@`
/// ends it).
///
/// The password never appears in ``description``, ``redactedURL``, mirrors, or ``SMTPRelayError`` texts.
///
/// ```swift
/// let relay = try SMTPRelay(url: "smtp://mailer:s3cret@smtp.example.com:587")
/// relay.redactedURL   // "smtp://mailer@smtp.example.com:587?tls=starttls"
/// ```
struct SMTPRelay: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// How the connection to the relay is protected.
    enum Security: String, Sendable, Hashable, CaseIterable {
        /// Plaintext connect, then STARTTLS, which the relay must offer (else nothing is sent).
        case starttls
        /// TLS from the first byte (port 465, "SMTPS").
        case implicit
        /// Plaintext throughout, even if the relay offers STARTTLS (local relays and tests only).
        case none
    }

    /// The relay's host name or IP address (IPv6 without brackets).
    var host: String
    /// The relay's TCP port.
    var port: Int
    /// STARTTLS, implicit TLS, or none.
    var security: Security
    /// The AUTH user; nil: no AUTH.
    var username: String?
    /// The AUTH password. Secret: never in descriptions or logs.
    var password: String?

    /// Creates a relay from its parts.
    init(host: String, port: Int, security: Security = .starttls, username: String? = nil, password: String? = nil) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
    }

    /// Parses a relay URL; the error names the problem, never echoing the password (or any part of the URL
    /// that could hold it).
    init(url: String) throws(SMTPRelayError) {
        self = try SMTPRelayURLParser.parse(url)
    }

    /// `smtp://user@host:port?tls=…`: the URL without the password, safe to log.
    var redactedURL: String {
        var text = "smtp://"
        if let username { text += SMTPRelayURLParser.percentEncode(username) + "@" }
        text += host.contains(":") ? "[\(host)]" : host
        text += ":\(port)?tls=\(security.rawValue)"
        return text
    }

    /// The ``redactedURL``.
    var description: String { redactedURL }

    /// The ``redactedURL``.
    var debugDescription: String { "SMTPRelay(\(redactedURL))" }

    /// Shows everything but the password.
    var customMirror: Mirror {
        Mirror(self, children: [
            "host": host, "port": port, "security": security, "username": username as Any,
            "password": password == nil ? "nil" : "<redacted>",
        ])
    }
}

/// Why a relay URL was refused. Descriptions name the problem only, never a value from the URL.
enum SMTPRelayError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The URL is empty.
    case empty
    /// The scheme is not `smtp://` or `smtps://`.
    case unsupportedScheme
    /// There is no host.
    case missingHost
    /// The host is not a DNS name or an IP address.
    case invalidHost
    /// The port is not a number from 1 to 65535.
    case invalidPort
    /// The user or password has a bad percent-escape, or the user is missing before a password.
    case invalidCredentials
    /// The URL has a path.
    case unexpectedPath
    /// `tls=` is not `starttls`, `implicit` or `none`.
    case invalidSecurity
    /// `smtps://` with `tls=` other than `implicit`.
    case conflictingSecurity
    /// A query parameter other than `tls` (not named: a mistyped URL could have a secret there).
    case unknownParameter

    /// A short text naming the problem.
    var description: String {
        switch self {
        case .empty: "SMTP relay URL is empty"
        case .unsupportedScheme: "SMTP relay URL must start with smtp:// or smtps://"
        case .missingHost: "SMTP relay URL has no host"
        case .invalidHost: "SMTP relay URL has an invalid host"
        case .invalidPort: "SMTP relay URL has an invalid port (expected 1-65535)"
        case .invalidCredentials: "SMTP relay URL has malformed user or password (percent-encode special characters)"
        case .unexpectedPath: "SMTP relay URL must not have a path"
        case .invalidSecurity: "SMTP relay URL has an invalid tls parameter (expected starttls, implicit or none)"
        case .conflictingSecurity: "SMTP relay URL: smtps:// implies tls=implicit"
        case .unknownParameter: "SMTP relay URL has an unknown parameter (only tls is allowed)"
        }
    }
}
