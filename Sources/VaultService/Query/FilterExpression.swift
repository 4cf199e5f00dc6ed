import Contracts

/// One list filter read from `field=[not.]operator.value` (PostgREST's grammar): the operator and its
/// operand, checked before any SQL is built. See `docs/vault.md` for the grammar.
struct FilterExpression: Sendable, Hashable {
    /// The comparison operators.
    enum Operator: String, Sendable, CaseIterable {
        case eq, neq, gt, gte, lt, lte, like, ilike, `in`, `is`
    }

    /// `is.…`'s values.
    enum Literal: String, Sendable {
        case null, `true`, `false`
    }

    /// What the operator compares with.
    enum Operand: Sendable, Hashable {
        /// One value (`eq`…`lte`, `like`, `ilike`).
        case value(String)
        /// `in.(a,b,"c,d")`: the items that read as JSON numbers (unquoted), and the others (quoted ones are
        /// always text).
        case list(numbers: [String], texts: [String])
        /// `is.null|true|false`.
        case literal(Literal)
    }

    /// Whether `not.` came first.
    let negated: Bool
    /// The operator.
    let op: Operator
    /// Its operand.
    let operand: Operand

    /// The longest expression, in bytes.
    static let maxBytes = 4096
    /// The most values of `in.(…)`.
    static let maxListCount = 100

    /// Parses `text`; `VALIDATION_FAILED` naming `field` for an unknown operator or a malformed value.
    init(_ text: String, field: String) throws(PublicError) {
        guard text.utf8.count <= Self.maxBytes else { throw PublicError.validation(field, "The filter is too long.") }
        var rest = Substring(text)
        negated = rest.hasPrefix("not.")
        if negated { rest = rest.dropFirst(4) }
        guard let dot = rest.firstIndex(of: "."), let op = Operator(rawValue: String(rest[..<dot])) else {
            throw PublicError.validation(
                field, "A filter is [not.]operator.value with an operator among eq, neq, gt, gte, lt, lte, like, ilike, in, is.")
        }
        self.op = op
        let value = String(rest[rest.index(after: dot)...])
        switch op {
        case .is:
            guard let literal = Literal(rawValue: value) else {
                throw PublicError.validation(field, "is takes null, true or false.")
            }
            operand = .literal(literal)
        case .in:
            let items = try Self.list(value, field: field)
            operand = .list(
                numbers: items.filter { !$0.quoted && JSONNumber.isNumber($0.text) }.map(\.text),
                texts: items.filter { $0.quoted || !JSONNumber.isNumber($0.text) }.map(\.text))
        default:
            operand = .value(value)
        }
    }

    /// `(a,b,"c,d")`: comma-separated, double quotes around items holding commas, parentheses or quotes
    /// (a backslash escapes the next character inside quotes).
    private static func list(_ text: String, field: String) throws(PublicError) -> [(text: String, quoted: Bool)] {
        let malformed = PublicError.validation(field, #"in takes a list in parentheses: in.(a,b,"c,d")."#)
        guard text.hasPrefix("("), text.hasSuffix(")"), text.count >= 2 else { throw malformed }
        let inner = Array(text.dropFirst().dropLast())
        var items: [(text: String, quoted: Bool)] = []
        var index = 0
        while index <= inner.count {
            var item = ""
            let quoted = index < inner.count && inner[index] == "\""
            if quoted {
                index += 1
                var closed = false
                while index < inner.count {
                    let character = inner[index]
                    if character == "\\", index + 1 < inner.count {
                        item.append(inner[index + 1])
                        index += 2
                    } else if character == "\"" {
                        closed = true
                        index += 1
                        break
                    } else {
                        item.append(character)
                        index += 1
                    }
                }
                guard closed, index == inner.count || inner[index] == "," else { throw malformed }
            } else {
                while index < inner.count, inner[index] != "," {
                    guard inner[index] != "\"", inner[index] != "(", inner[index] != ")" else { throw malformed }
                    item.append(inner[index])
                    index += 1
                }
            }
            items.append((item, quoted))
            index += 1
        }
        guard !(items.count == 1 && items[0].text.isEmpty && !items[0].quoted) else { throw malformed }
        guard items.count <= maxListCount else {
            throw PublicError.validation(field, "in takes at most \(maxListCount) values.")
        }
        return items
    }
}

/// Values that read as JSON numbers compare numerically.
enum JSONNumber {
    /// Whether `text` is a JSON number of at most 100 characters with an exponent within ±10000 (so
    /// PostgreSQL's `numeric` holds it exactly).
    static func isNumber(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...100).contains(bytes.count) else { return false }
        var index = 0
        func digits() -> Int {
            let start = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            return index - start
        }
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        let integerStart = index
        let integerDigits = digits()
        guard integerDigits > 0, integerDigits == 1 || bytes[integerStart] != UInt8(ascii: "0") else { return false }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { return false }
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            let exponentStart = index
            guard digits() > 0, let exponent = Int(String(decoding: bytes[exponentStart..<index], as: UTF8.self)),
                  exponent <= 10000
            else { return false }
        }
        return index == bytes.count
    }
}
