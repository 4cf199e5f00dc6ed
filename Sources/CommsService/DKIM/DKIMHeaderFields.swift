/// A message split for DKIM: its header fields as they are (name and raw value, folding kept) and its body.
struct DKIMHeaderFields: Sendable {
    /// One field: the name as written and the raw value after the colon, CRLFs of folding included.
    struct Field: Sendable, Hashable {
        let name: String
        let value: ArraySlice<UInt8>
    }

    /// The fields, top to bottom.
    let fields: [Field]
    /// The bytes after the blank line that ends the header block.
    let body: ArraySlice<UInt8>

    /// Splits `message` (CRLF line ends) at its first empty line; nil when there is none or a header line has
    /// no colon.
    init?(_ message: [UInt8]) {
        var fields: [Field] = []
        var index = 0
        func lineEnd(from position: Int) -> Int? {
            var cursor = position
            while cursor + 1 < message.count {
                if message[cursor] == 13, message[cursor + 1] == 10 { return cursor }
                cursor += 1
            }
            return nil
        }
        var current: (name: String, valueStart: Int)?
        while true {
            guard let end = lineEnd(from: index) else { return nil }
            let continuation = end > index && (message[index] == 0x20 || message[index] == 0x09)
            if !continuation {
                if let field = current { fields.append(Field(name: field.name, value: message[field.valueStart..<(index - 2)])) }
                current = nil
                if end == index {   // the empty line
                    self.fields = fields
                    self.body = message[(end + 2)...]
                    return
                }
                guard let colon = message[index..<end].firstIndex(of: UInt8(ascii: ":")) else { return nil }
                current = (String(decoding: message[index..<colon], as: UTF8.self), colon + 1)
            }
            index = end + 2
        }
    }

    /// The last field named `name` (case-insensitive) not yet used, per RFC 6376 §5.4.2 (fields signed from
    /// the bottom up); nil when there is none.
    func last(_ name: String, skipping used: Int) -> Field? {
        let matching = fields.filter { $0.name.lowercased() == name.lowercased() }
        return used < matching.count ? matching[matching.count - 1 - used] : nil
    }
}
