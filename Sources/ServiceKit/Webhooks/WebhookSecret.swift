import Foundation

/// A Standard Webhooks signing secret: `whsec_` followed by the standard base64 of the key bytes.
///
/// ```swift
/// guard let secret = WebhookSecret(environment["WEBHOOK_SECRET_EMAIL"] ?? "") else { … configuration error … }
/// let fresh = WebhookSecret.generate()     // for an outbound endpoint; show `fresh.encoded` once
/// ```
///
/// `description` is always `***`.
public struct WebhookSecret: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The text before the base64 key.
    public static let prefix = "whsec_"
    /// The fewest key bytes accepted (Standard Webhooks recommends 24 to 64).
    public static let minimumByteCount = 16
    /// The most key bytes accepted.
    public static let maximumByteCount = 1024

    /// The HMAC key.
    public let bytes: [UInt8]

    /// Parses `whsec_<base64>` (standard alphabet, padding optional); nil when the prefix is missing, the
    /// base64 is invalid, or the key is shorter than 16 or longer than 1024 bytes.
    public init?(_ text: String) {
        guard text.hasPrefix(Self.prefix) else { return nil }
        var encoded = String(text.dropFirst(Self.prefix.count))
        if encoded.utf8.count % 4 != 0 { encoded += String(repeating: "=", count: 4 - encoded.utf8.count % 4) }
        guard let data = Data(base64Encoded: encoded) else { return nil }
        self.init(bytes: Array(data))
    }

    /// Wraps raw key bytes; nil when shorter than 16 or longer than 1024 bytes.
    public init?(bytes: [UInt8]) {
        guard (Self.minimumByteCount...Self.maximumByteCount).contains(bytes.count) else { return nil }
        self.bytes = bytes
    }

    /// A new random 32-byte secret.
    public static func generate() -> WebhookSecret {
        WebhookSecret(bytes: SecureRandom.bytes(32))!
    }

    /// `whsec_<base64>`: the form given to the other side. It is the secret itself: show once, never log.
    public var encoded: String { Self.prefix + Data(bytes).base64EncodedString() }

    /// Always `***`.
    public var description: String { "***" }
    /// Always `***`.
    public var debugDescription: String { "***" }
    /// A mirror without children, so `dump` and reflection cannot reach the key.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
