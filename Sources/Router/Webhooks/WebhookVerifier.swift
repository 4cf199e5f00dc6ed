import Foundation
import ServiceKit

/// Verifies inbound webhooks signed per Standard Webhooks, returning the message id for replay detection.
///
/// ```swift
/// let verifier = WebhookVerifier(secret: emailSecret)
/// let id = try verifier.verify(
///     id: request.headers["webhook-id"], timestamp: request.headers["webhook-timestamp"],
///     signature: request.headers["webhook-signature"], body: request.body, now: .now)
/// if try await seenIDs.insertIfAbsent(source: "email", id: id) == false { return 200 {"duplicate":true} }
/// ```
///
/// Order of checks: every header present and well formed, then the signature (constant-time comparison of
/// each `v1` entry; other versions ignored), then the timestamp. The timestamp is checked last so that
/// `TIMESTAMP_OUT_OF_TOLERANCE` is only ever told to a sender that holds the secret (a real provider with a
/// skewed clock gets a precise answer; anyone else learns nothing but `INVALID_SIGNATURE`).
struct WebhookVerifier: Sendable {
    /// The contract's tolerance: 300 seconds either way.
    static let defaultTolerance: Int64 = 300
    /// The longest `webhook-id` accepted (the id is stored for replay detection).
    static let maximumIDLength = 256
    /// At most this many signatures of the header are looked at.
    static let maximumSignatures = 16

    /// The signing key, shared with the sender.
    let secret: WebhookSecret
    /// How far, in seconds, the timestamp may be from now in either direction.
    let tolerance: Int64

    /// Creates a verifier for `secret` with a tolerance of `tolerance` seconds (default 300).
    init(secret: WebhookSecret, tolerance: Int64 = WebhookVerifier.defaultTolerance) {
        self.secret = secret
        self.tolerance = max(0, tolerance)
    }

    /// Verifies one delivery given its three header values (nil when absent) and raw body, at `now`.
    /// Returns the verified `webhook-id`.
    func verify(
        id: String?, timestamp: String?, signature: String?, body: some Collection<UInt8>, now: Date
    ) throws(WebhookVerificationError) -> String {
        guard let id, Self.isWellFormedID(id), let timestamp, let seconds = Self.unixSeconds(timestamp),
            let signature
        else { throw .invalidSignature }

        let expected = WebhookSigner(secret: secret).mac(id: id, timestamp: seconds, body: body)
        var matched = false
        for candidate in Self.v1Signatures(signature) {
            // No early exit: every candidate is compared.
            matched = ConstantTime.equals(candidate, expected) || matched
        }
        guard matched else { throw .invalidSignature }

        let nowSeconds = Int64(now.timeIntervalSince1970.rounded(.down))
        let skew = nowSeconds > seconds ? nowSeconds - seconds : seconds - nowSeconds
        guard skew <= tolerance else { throw .timestampOutOfTolerance }
        return id
    }

    /// 1…256 printable ASCII characters, no spaces.
    static func isWellFormedID(_ id: String) -> Bool {
        let utf8 = id.utf8
        return (1...maximumIDLength).contains(utf8.count) && utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }

    /// Decimal Unix seconds: 1…12 ASCII digits (no sign, no spaces), so the signed text is the canonical one.
    static func unixSeconds(_ text: String) -> Int64? {
        let utf8 = text.utf8
        guard (1...12).contains(utf8.count), utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        guard utf8.count == 1 || utf8.first != 0x30 else { return nil }
        return Int64(text)
    }

    /// The decoded MACs of the `v1,<base64>` entries of a `webhook-signature` value (space-separated; other
    /// versions, empty entries and undecodable base64 are skipped; at most ``maximumSignatures`` entries read).
    static func v1Signatures(_ header: String) -> [[UInt8]] {
        header.split(separator: " ", omittingEmptySubsequences: true)
            .prefix(maximumSignatures)
            .compactMap { entry -> [UInt8]? in
                guard entry.hasPrefix("v1,") else { return nil }
                return Data(base64Encoded: String(entry.dropFirst(3))).map { Array($0) }
            }
    }
}
