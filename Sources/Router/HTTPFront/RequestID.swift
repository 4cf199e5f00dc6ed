import ServiceKit

/// The request id of the contract: the client's `X-Request-Id` when it is 1…128 printable ASCII
/// characters, else a fresh one (`req_` + 24 random base62 characters).
enum RequestID {
    /// The longest id echoed.
    static let maximumLength = 128

    /// The id for a request carrying `header`.
    static func resolve(_ header: String?) -> String {
        if let header, (1...maximumLength).contains(header.utf8.count),
            header.utf8.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E })
        {
            return header
        }
        return generate()
    }

    /// A fresh id.
    static func generate() -> String {
        "req_" + APIKey.Base62.randomDigits(24) { SecureRandom.bytes($0) }
    }
}
