import Foundation

/// Signs webhook deliveries per Standard Webhooks: `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`.
///
/// ```swift
/// let signer = WebhookSigner(secret: endpointSecret)
/// let headers = signer.headers(id: "msg_2b…", timestamp: Int64(Date().timeIntervalSince1970), body: payload)
/// // webhook-id, webhook-timestamp, webhook-signature
/// ```
public struct WebhookSigner: Sendable {
    /// The signing key.
    public let secret: WebhookSecret

    /// Creates a signer for `secret`.
    public init(secret: WebhookSecret) {
        self.secret = secret
    }

    /// The raw HMAC-SHA256 of `<id>.<timestamp>.<body>` under the secret.
    public func mac(id: String, timestamp: Int64, body: some Collection<UInt8>) -> [UInt8] {
        var content = Array("\(id).\(timestamp).".utf8)
        content.append(contentsOf: body)
        return HMACSHA256.authenticationCode(for: content, key: secret.bytes)
    }

    /// The `webhook-signature` value for one message: `v1,<base64>`.
    public func signature(id: String, timestamp: Int64, body: some Collection<UInt8>) -> String {
        "v1," + Data(mac(id: id, timestamp: timestamp, body: body)).base64EncodedString()
    }

    /// The three headers of a signed delivery, in order: `webhook-id`, `webhook-timestamp`, `webhook-signature`.
    public func headers(id: String, timestamp: Int64, body: some Collection<UInt8>) -> [(name: String, value: String)] {
        [
            (name: "webhook-id", value: id),
            (name: "webhook-timestamp", value: String(timestamp)),
            (name: "webhook-signature", value: signature(id: id, timestamp: timestamp, body: body)),
        ]
    }
}

extension WebhookSigner {
    /// The `webhook-signature` value signed by each of `signers` (during a rotation: the new secret's, then
    /// the old one's), space-separated as Standard Webhooks allows: `v1,<a> v1,<b>`.
    public static func signature(
        by signers: [WebhookSigner], id: String, timestamp: Int64, body: some Collection<UInt8>
    ) -> String {
        signers.map { $0.signature(id: id, timestamp: timestamp, body: body) }.joined(separator: " ")
    }
}
