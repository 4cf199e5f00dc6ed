/// Why an inbound webhook was refused. Both codes answer 401 with the contract's error body.
///
/// `description` is the code only: never a header value, signature or body.
struct WebhookVerificationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The contract's error codes for inbound webhooks.
    enum Code: String, Sendable, Hashable {
        /// A header is missing or malformed, or no `v1` signature matches.
        case invalidSignature = "INVALID_SIGNATURE"
        /// The signature matches but `webhook-timestamp` is more than the tolerance away from now.
        case timestampOutOfTolerance = "TIMESTAMP_OUT_OF_TOLERANCE"
    }

    /// What went wrong.
    let code: Code

    /// The HTTP status to answer: 401.
    var status: Int { 401 }

    /// The contract's error code.
    var description: String { code.rawValue }

    /// A missing or bad signature.
    static let invalidSignature = WebhookVerificationError(code: .invalidSignature)
    /// A stale or future timestamp.
    static let timestampOutOfTolerance = WebhookVerificationError(code: .timestampOutOfTolerance)
}
