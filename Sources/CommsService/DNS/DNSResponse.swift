/// A decoded DNS answer (RFC 1035 §4.1): the header fields this client needs, the question, and the answer
/// section's TXT and CNAME records (others are skipped). Names may be compressed (§4.1.4); pointers must
/// point backwards, so a loop cannot happen.
struct DNSResponse: Sendable, Hashable {
    /// One answer record this client understands.
    enum Record: Sendable, Hashable {
        /// A TXT record's character-strings, in order (joined, they are the record's value).
        case txt(name: String, strings: [[UInt8]])
        /// A CNAME record's target, lower-cased, without a trailing dot.
        case cname(name: String, target: String)
    }

    /// The message id.
    let id: UInt16
    /// Whether the QR bit is set (this is an answer).
    let isResponse: Bool
    /// The TC bit: the answer did not fit and must be asked again over TCP.
    let isTruncated: Bool
    /// RCODE: 0 NOERROR, 3 NXDOMAIN, …
    let rcode: UInt8
    /// The question's name (lower-cased), type and class.
    let question: (name: String, type: UInt16, qclass: UInt16)?
    /// The records of the answer section this client understands.
    let records: [Record]

    static func == (lhs: DNSResponse, rhs: DNSResponse) -> Bool {
        lhs.id == rhs.id && lhs.isResponse == rhs.isResponse && lhs.isTruncated == rhs.isTruncated
            && lhs.rcode == rhs.rcode && lhs.question?.name == rhs.question?.name
            && lhs.question?.type == rhs.question?.type && lhs.records == rhs.records
    }

    func hash(into hasher: inout Hasher) { hasher.combine(id) }

    /// Decodes a whole message; throws ``DNSError/malformed`` for anything that does not parse exactly.
    init(decoding bytes: [UInt8]) throws(DNSError) {
        var reader = DNSReader(bytes: bytes)
        id = try reader.uint16()
        let flags = try reader.uint16()
        isResponse = flags & 0x8000 != 0
        isTruncated = flags & 0x0200 != 0
        rcode = UInt8(flags & 0x000F)
        let questions = try reader.uint16()
        let answers = try reader.uint16()
        _ = try reader.uint16()   // authority
        _ = try reader.uint16()   // additional
        guard questions <= 1 else { throw DNSError.malformed }
        question = questions == 1 ? (try reader.name(), try reader.uint16(), try reader.uint16()) : nil
        var records: [Record] = []
        // A truncated answer may end mid-record; its records are not read (the client asks again over TCP).
        for _ in 0..<(isTruncated ? 0 : answers) {
            let name = try reader.name()
            let type = try reader.uint16()
            _ = try reader.uint16()   // class
            _ = try reader.uint32()   // TTL
            let length = Int(try reader.uint16())
            let end = reader.offset + length
            guard end <= bytes.count else { throw DNSError.malformed }
            switch type {
            case DNSQuery.RecordType.txt.rawValue:
                var strings: [[UInt8]] = []
                while reader.offset < end {
                    let count = Int(try reader.byte())
                    strings.append(try reader.bytes(count))
                }
                records.append(.txt(name: name, strings: strings))
            case DNSQuery.RecordType.cname.rawValue:
                records.append(.cname(name: name, target: try reader.name()))
            default:
                reader.offset = end
            }
            guard reader.offset == end else { throw DNSError.malformed }
        }
        self.records = records
        // Authority and additional sections are not needed: whatever follows is ignored.
    }

    /// Whether this answers `query`: same id, QR set, the same question (a truncated answer may leave the
    /// question out; it is only used to switch to TCP, whose answer must have it).
    func answers(_ query: DNSQuery) -> Bool {
        guard id == query.id, isResponse else { return false }
        guard let question else { return isTruncated }
        return question.name == query.name && question.type == query.type.rawValue && question.qclass == DNSQuery.classIN
    }
}

/// Reads big-endian fields and (compressed) names from a DNS message.
struct DNSReader {
    let bytes: [UInt8]
    var offset = 0

    mutating func byte() throws(DNSError) -> UInt8 {
        guard offset < bytes.count else { throw DNSError.malformed }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func uint16() throws(DNSError) -> UInt16 {
        UInt16(try byte()) << 8 | UInt16(try byte())
    }

    mutating func uint32() throws(DNSError) -> UInt32 {
        UInt32(try uint16()) << 16 | UInt32(try uint16())
    }

    mutating func bytes(_ count: Int) throws(DNSError) -> [UInt8] {
        guard count >= 0, offset + count <= bytes.count else { throw DNSError.malformed }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    /// A name at the cursor, following compression pointers (each strictly backwards); lower-cased, no
    /// trailing dot, `""` for the root. The cursor ends after the name's bytes in place.
    mutating func name() throws(DNSError) -> String {
        var labels: [String] = []
        var position = offset
        var resumeAt: Int?
        var total = 0
        while true {
            guard position < bytes.count else { throw DNSError.malformed }
            let length = Int(bytes[position])
            if length & 0xC0 == 0xC0 {
                guard position + 1 < bytes.count else { throw DNSError.malformed }
                let target = (length & 0x3F) << 8 | Int(bytes[position + 1])
                guard target < position else { throw DNSError.malformed }
                if resumeAt == nil { resumeAt = position + 2 }
                position = target
                continue
            }
            guard length & 0xC0 == 0 else { throw DNSError.malformed }
            position += 1
            if length == 0 { break }
            guard position + length <= bytes.count else { throw DNSError.malformed }
            total += length + 1
            guard total <= 255 else { throw DNSError.malformed }
            labels.append(String(decoding: bytes[position..<position + length], as: UTF8.self).lowercased())
            position += length
        }
        offset = resumeAt ?? position
        return labels.joined(separator: ".")
    }
}
