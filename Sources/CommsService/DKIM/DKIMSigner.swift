import Foundation
import ServiceKit

/// Signs a rendered message for its sender domain (RFC 6376): `a=rsa-sha256` or `a=ed25519-sha256` (RFC 8463),
/// `c=relaxed/relaxed`, the header fields of ``signedHeaderNames`` that the message has (each once, in that
/// order), `bh=` the body hash, `t=` the signing time. The `DKIM-Signature` field is put first, so the stored
/// bytes are what every attempt sends.
///
/// ```swift
/// let signer = DKIMSigner(domain: "mail.example.com", selector: "pp3k…", key: .rsa(key))
/// let signed = try signer.sign(rendered, at: message.date)
/// ```
struct DKIMSigner: Sendable {
    /// The fields signed when present (RFC 6376 §5.4.1's recommendations plus RFC 8058's List-Unsubscribe
    /// pair, which receivers require to be covered before they offer one-click unsubscribe).
    static let signedHeaderNames = [
        "From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type", "Reply-To",
        "List-Unsubscribe", "List-Unsubscribe-Post",
    ]

    /// A domain's signing key.
    enum Key: Sendable {
        /// RSASSA-PKCS1-v1_5 over the canonical header data (`rsa-sha256`).
        case rsa(RSAPrivateKey)
        /// PureEdDSA over the SHA-256 of the canonical header data (`ed25519-sha256`, RFC 8463 §3).
        case ed25519(Ed25519PrivateKey)

        /// The `a=` value.
        var algorithm: String {
            switch self {
            case .rsa: "rsa-sha256"
            case .ed25519: "ed25519-sha256"
            }
        }

        /// The signature of the canonical header data.
        func signature(for data: [UInt8]) throws -> [UInt8] {
            switch self {
            case .rsa(let key): try key.sha256Signature(for: data)
            case .ed25519(let key): try key.signature(for: SHA256.hash(data))
            }
        }
    }

    /// `d=`.
    let domain: String
    /// `s=`.
    let selector: String
    /// The domain's key for this selector.
    let key: Key

    /// Why a message cannot be signed.
    enum Failure: Error {
        /// The bytes are not a header block, an empty line and a body.
        case malformedMessage
    }

    /// `message` with a `DKIM-Signature` field in front.
    func sign(_ message: [UInt8], at time: Date) throws -> [UInt8] {
        guard let parsed = DKIMHeaderFields(message) else { throw Failure.malformedMessage }
        let bodyHash = Data(SHA256.hash(DKIMCanonicalization.relaxedBody(parsed.body))).base64EncodedString()
        var hashed: [UInt8] = []
        var names: [String] = []
        for name in Self.signedHeaderNames {
            guard let field = parsed.last(name, skipping: 0) else { continue }
            hashed += DKIMCanonicalization.relaxedHeader(name: field.name, value: field.value)
            names.append(name.lowercased())
        }
        let unsigned = Self.header(
            algorithm: key.algorithm, domain: domain, selector: selector, time: Int(time.timeIntervalSince1970),
            names: names, bodyHash: bodyHash)
        // The field as it will be written, with an empty b=, canonicalized without its final CRLF (§3.7).
        hashed += DKIMCanonicalization.relaxedHeader(name: "DKIM-Signature", value: Array(unsigned.utf8)).dropLast(2)
        let signature = Data(try key.signature(for: hashed)).base64EncodedString()
        let field = "DKIM-Signature:" + unsigned + Self.fold(signature) + "\r\n"
        return Array(field.utf8) + message
    }

    /// The field's value up to `b=` (folded between tags, each line under 78 octets but the `h=` list).
    static func header(
        algorithm: String, domain: String, selector: String, time: Int, names: [String], bodyHash: String
    ) -> String {
        " v=1; a=\(algorithm); c=relaxed/relaxed; d=\(domain); s=\(selector);\r\n"
            + " t=\(time); h=\(names.joined(separator: ":"));\r\n"
            + " bh=\(bodyHash);\r\n"
            + " b="
    }

    /// The signature in 72-character pieces joined by folding white space (ignored inside `b=`).
    static func fold(_ base64: String) -> String {
        var pieces: [Substring] = []
        var rest = Substring(base64)
        while !rest.isEmpty {
            pieces.append(rest.prefix(72))
            rest = rest.dropFirst(72)
        }
        return pieces.joined(separator: "\r\n ")
    }
}
