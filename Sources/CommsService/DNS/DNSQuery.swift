/// A DNS query message (RFC 1035 §4.1): one question, class IN, recursion desired.
///
/// ```swift
/// let query = try DNSQuery(id: 0x1234, name: "_dmarc.example.com", type: .txt)
/// let bytes = query.encoded   // 12-byte header, the name as labels, QTYPE, QCLASS
/// ```
struct DNSQuery: Sendable, Hashable {
    /// The record types this client asks for.
    enum RecordType: UInt16, Sendable {
        /// A canonical name (5).
        case cname = 5
        /// Text strings (16).
        case txt = 16
    }

    /// The message id the answer must echo.
    let id: UInt16
    /// The name asked about, lower-cased, without a trailing dot.
    let name: String
    /// The type asked for.
    let type: RecordType

    /// Class IN.
    static let classIN: UInt16 = 1

    /// A query; throws ``DNSError/invalidName`` unless `name` is 1–253 octets of labels of 1–63 octets.
    init(id: UInt16, name: String, type: RecordType) throws(DNSError) {
        let trimmed = name.hasSuffix(".") ? String(name.dropLast()) : name
        let labels = trimmed.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard !trimmed.isEmpty, trimmed.utf8.count <= 253,
              labels.allSatisfy({ (1...63).contains($0.count) && $0.allSatisfy { $0 > 0x20 && $0 < 0x7F } })
        else { throw DNSError.invalidName }
        self.id = id
        self.name = trimmed.lowercased()
        self.type = type
    }

    /// The wire bytes: header (flags `0x0100`, one question), QNAME, QTYPE, QCLASS.
    var encoded: [UInt8] {
        var bytes: [UInt8] = []
        Self.append(id, to: &bytes)
        bytes += [0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]
        bytes += Self.encode(name: name)
        Self.append(type.rawValue, to: &bytes)
        Self.append(Self.classIN, to: &bytes)
        return bytes
    }

    /// `name` as length-prefixed labels ending with the root label.
    static func encode(name: String) -> [UInt8] {
        var bytes: [UInt8] = []
        for label in name.utf8.split(separator: UInt8(ascii: ".")) {
            bytes.append(UInt8(label.count))
            bytes += label
        }
        bytes.append(0)
        return bytes
    }

    /// Appends `value` big-endian.
    static func append(_ value: UInt16, to bytes: inout [UInt8]) {
        bytes += [UInt8(value >> 8), UInt8(value & 0xFF)]
    }
}

/// Why a DNS lookup failed.
enum DNSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The name is not a valid DNS name.
    case invalidName
    /// The answer is malformed (truncated, a compression loop, counts that do not match).
    case malformed
    /// The answer's id or question does not match the query.
    case mismatched
    /// The server answered with this RCODE (other than NOERROR and NXDOMAIN).
    case serverFailure(rcode: UInt8)
    /// No answer within the timeout.
    case timeout
    /// A socket call failed with this `errno`.
    case socket(errno: Int32)

    /// Short, for logs and a domain's `failure`.
    var description: String {
        switch self {
        case .invalidName: "invalid name"
        case .malformed: "malformed answer"
        case .mismatched: "answer does not match the query"
        case .serverFailure(let rcode): "server failure (rcode \(rcode))"
        case .timeout: "timed out"
        case .socket(let errno): "socket error \(errno)"
        }
    }
}
