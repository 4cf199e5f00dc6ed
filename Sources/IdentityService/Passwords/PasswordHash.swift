import ServiceKit

/// A stored password hash: `scrypt$N$r$p$salt$hash` (salt 16 bytes, hash 32 bytes, both base64url without
/// padding). The parameters sit beside the hash so they can be raised later and old hashes upgraded.
struct PasswordHash: Sendable, Hashable {
    /// scrypt's cost parameters.
    struct Parameters: Sendable, Hashable {
        /// CPU/memory cost (a power of two).
        var n: UInt64
        /// Block size.
        var r: UInt32
        /// Parallelisation.
        var p: UInt32
    }

    /// The salt's length in bytes.
    static let saltByteCount = 16
    /// The derived key's length in bytes.
    static let hashByteCount = 32
    /// The largest N accepted when parsing (refuses stored values that would exhaust memory).
    static let maximumN: UInt64 = 1 << 20

    let parameters: Parameters
    let salt: [UInt8]
    let hash: [UInt8]

    /// The stored text.
    var encoded: String {
        "scrypt$\(parameters.n)$\(parameters.r)$\(parameters.p)$\(Base64URL.encode(salt))$\(Base64URL.encode(hash))"
    }

    /// Parses stored text; nil for anything malformed or out of bounds.
    init?(encoded text: String) {
        let parts = text.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "scrypt",
            let n = UInt64(parts[1]), n > 1, n & (n - 1) == 0, n <= Self.maximumN,
            let r = UInt32(parts[2]), (1...32).contains(r), let p = UInt32(parts[3]), (1...16).contains(p),
            let salt = Base64URL.decode(parts[4]), salt.count == Self.saltByteCount,
            let hash = Base64URL.decode(parts[5]), hash.count == Self.hashByteCount
        else { return nil }
        self.init(parameters: Parameters(n: n, r: r, p: p), salt: salt, hash: hash)
    }

    /// Wraps the parts.
    init(parameters: Parameters, salt: [UInt8], hash: [UInt8]) {
        self.parameters = parameters
        self.salt = salt
        self.hash = hash
    }
}
