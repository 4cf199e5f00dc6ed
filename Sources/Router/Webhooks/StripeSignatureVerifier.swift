import Foundation
import ServiceKit

/// Stripe's own webhook signature: header `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…][,v0=…]`, where
/// each `v1` is the lowercase hex HMAC-SHA256 of `"<t>.<raw body>"` keyed by the endpoint's whole
/// `whsec_…` string (as Stripe's libraries use it: the text's bytes, not a decoding). Any `v1` matching is
/// enough (Stripe sends one per active secret while rolling); the timestamp must be within 300 s of now.
///
/// ```swift
/// try StripeSignatureVerifier(secret: "whsec_…").verify(header: headers["Stripe-Signature"], body: body, now: Date())
/// ```
struct StripeSignatureVerifier: Sendable {
    /// Stripe's default tolerance.
    static let tolerance: Int64 = 300
    /// At most this many entries of the header are read.
    static let maximumEntries = 16

    /// The endpoint secret, whole (`whsec_…`).
    let secret: String

    /// Checks `header` against `body` at `now`.
    func verify(header: String?, body: some Collection<UInt8>, now: Date) throws(WebhookVerificationError) {
        guard let header else { throw .invalidSignature }
        var timestamp: Int64?
        var candidates: [String] = []
        for entry in header.split(separator: ",", omittingEmptySubsequences: true).prefix(Self.maximumEntries) {
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { continue }
            let key = parts[0].trimmingCharacters(in: .whitespaces)
            let value = parts[1].trimmingCharacters(in: .whitespaces)
            if key == "t" { timestamp = WebhookVerifier.unixSeconds(value) } else if key == "v1" { candidates.append(value.lowercased()) }
        }
        guard let timestamp, !candidates.isEmpty else { throw .invalidSignature }
        let expected = Self.hex(HMACSHA256.authenticationCode(
            for: Array("\(timestamp).".utf8) + Array(body), key: Array(secret.utf8)))
        var matched = false
        for candidate in candidates {
            // No early exit: every candidate is compared.
            matched = ConstantTime.equals(candidate, expected) || matched
        }
        guard matched else { throw .invalidSignature }
        let nowSeconds = Int64(now.timeIntervalSince1970.rounded(.down))
        guard abs(nowSeconds - timestamp) <= Self.tolerance else { throw .timestampOutOfTolerance }
    }

    /// The header Stripe would send for `body` at `timestamp` (tests, the demo).
    func header(body: some Collection<UInt8>, timestamp: Int64) -> String {
        "t=\(timestamp),v1=" + Self.hex(HMACSHA256.authenticationCode(
            for: Array("\(timestamp).".utf8) + Array(body), key: Array(secret.utf8)))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
