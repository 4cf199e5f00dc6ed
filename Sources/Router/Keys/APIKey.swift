import ServiceKit

/// A project API key as presented in `X-API-Key`, parsed and checked offline before any lookup.
///
/// The format (the contract's "Projects and keys"):
///
/// ```
/// psk_ 7Xk2mP9qR4sT _ <43 base62 characters of secret> <6 base62 characters of checksum>
/// └kind┘ └ key id ┘     └── 32 random bytes, fixed width ──┘ └ CRC32 of everything before ┘
/// ```
///
/// 66 ASCII characters in all; secret scanners can match `p[ps]k_[0-9A-Za-z]{12}_[0-9A-Za-z]{49}` and confirm
/// the checksum without asking us. The base62 alphabet is `0-9A-Za-z` in that order.
///
/// ```swift
/// let key = try APIKey.parse(request.headers["X-API-Key"] ?? "")
/// let hash = key.keyedHash(pepper: pepper)   // compare with the stored hash of record `key.id`
/// ```
///
/// `description` never includes the secret.
struct APIKey: Sendable, CustomStringConvertible, CustomReflectable {
    /// Whether a key is publishable (may sit in a browser) or secret (server side, whole project).
    enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// `ppk_…`: reaches end-user flows only.
        case publishable
        /// `psk_…`: the whole project.
        case secret

        /// The three letters before the first `_`: `ppk` or `psk`.
        var keyPrefix: String {
            switch self {
            case .publishable: "ppk"
            case .secret: "psk"
            }
        }
    }

    /// Why a presented key was rejected before any lookup. The Router answers 401 `INVALID_API_KEY` to both.
    enum ParseError: Error, Sendable, Hashable {
        /// Wrong length, kind prefix, separator or alphabet.
        case malformed
        /// The shape is right but the checksum does not match (a typo, a truncated paste, a made-up key).
        case badChecksum
    }

    /// Length of the public key id, in base62 characters (≈ 71 bits, random).
    static let idLength = 12
    /// Random bytes in the secret.
    static let secretByteCount = 32
    /// Length of the secret in base62 characters: the smallest width that holds any 32-byte number.
    static let secretLength = 43
    /// Length of the CRC32 checksum in base62 characters.
    static let checksumLength = 6
    /// Total length of a key: `kind_` + id + `_` + secret + checksum.
    static let length = 4 + idLength + 1 + secretLength + checksumLength

    /// Publishable or secret, from the key's first three letters.
    let kind: Kind
    /// The public key id (the registry's lookup key and the id the REST API shows).
    let id: String
    /// The secret part (base62 text); only ever fed to the keyed hash.
    private let secret: String

    /// `ppk_<id>` or `psk_<id>`: what lists show so a person can recognise a key without its secret.
    var prefix: String { Self.prefix(kind: kind, id: id) }

    /// The prefix and a mask; never the secret.
    var description: String { "\(prefix)_***" }

    /// Kind and id only, so `dump` and reflection cannot reach the secret.
    var customMirror: Mirror { Mirror(self, children: ["kind": kind, "id": id], displayStyle: .struct) }

    init(kind: Kind, id: String, secret: String) {
        self.kind = kind
        self.id = id
        self.secret = secret
    }

    /// The lookup prefix of a key id: `ppk_<id>` or `psk_<id>`.
    static func prefix(kind: Kind, id: String) -> String { "\(kind.keyPrefix)_\(id)" }

    /// The value stored for this key: HMAC-SHA256 under the configured pepper of the secret part's ASCII bytes.
    /// A database leak without the pepper reveals nothing usable.
    func keyedHash(pepper: APIKeyPepper) -> [UInt8] {
        pepper.prepared.authenticationCode(for: secret)
    }

    /// Checks the length, kind prefix, separators, alphabet and checksum of `text`; touches no store.
    ///
    /// Runs in time linear in the (fixed) key length; the checksum is public, so comparing it is not secret.
    static func parse(_ text: String) throws(ParseError) -> APIKey {
        // The length is public; checking it first lets the copy be one contiguous `memcpy`.
        guard text.utf8.count == length else { throw .malformed }
        let bytes = Array(text.utf8)
        guard bytes.count == length, bytes[0] == UInt8(ascii: "p"), bytes[2] == UInt8(ascii: "k"),
            bytes[3] == UInt8(ascii: "_"), bytes[4 + idLength] == UInt8(ascii: "_")
        else { throw .malformed }
        let kind: Kind
        switch bytes[1] {
        case UInt8(ascii: "p"): kind = .publishable
        case UInt8(ascii: "s"): kind = .secret
        default: throw .malformed
        }
        let idRange = 4..<(4 + idLength)
        let secretRange = (5 + idLength)..<(5 + idLength + secretLength)
        let checksumRange = secretRange.upperBound..<length
        var alphabetOK = true
        for index in idRange { alphabetOK = Base62.isDigit(bytes[index]) && alphabetOK }
        for index in secretRange.lowerBound..<length { alphabetOK = Base62.isDigit(bytes[index]) && alphabetOK }
        guard alphabetOK else { throw .malformed }

        let expected = Base62.encode(CRC32.checksum(bytes[0..<checksumRange.lowerBound]), width: checksumLength)
        guard expected.utf8.elementsEqual(bytes[checksumRange]) else { throw .badChecksum }
        return APIKey(
            kind: kind,
            id: String(decoding: bytes[idRange], as: UTF8.self),
            secret: String(decoding: bytes[secretRange], as: UTF8.self))
    }
}
