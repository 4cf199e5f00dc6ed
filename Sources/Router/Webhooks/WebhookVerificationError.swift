import Contracts

/// Why an inbound webhook was refused. Both codes answer 401 with the contract's error body.
///
/// `description` is the code only: never a header value, signature or body.
struct WebhookVerificationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    enum Code: Sendable, Hashable {
        /// A header is missing or malformed, or no `v1` signature matches.
        case invalidSignature
        /// The signature matches but `webhook-timestamp` is more than the tolerance away from now.
        case timestampOutOfTolerance
    }

    /// What went wrong.
    let code: Code

    /// The contract's error code (both answer 401).
    var publicCode: PublicErrorCode {
        switch code {
        case .invalidSignature: .invalidSignature
        case .timestampOutOfTolerance: .timestampOutOfTolerance
        }
    }

    /// The contract's error code.
    var description: String { publicCode.rawValue }

    /// A missing or bad signature.
    static let invalidSignature = WebhookVerificationError(code: .invalidSignature)
    /// A stale or future timestamp.
    static let timestampOutOfTolerance = WebhookVerificationError(code: .timestampOutOfTolerance)
}
