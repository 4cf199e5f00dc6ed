/// An ordered list of header fields. Lookups compare names ASCII case-insensitively; order and the case
/// the sender used are kept.
///
/// ```swift
/// var headers: HTTPHeaders = ["Content-Type": "application/json"]
/// headers.add(name: "X-Request-Id", value: "r1")
/// headers["content-type"]       // "application/json"
/// ```
public struct HTTPHeaders: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    /// One header field: its name as sent and its value with surrounding whitespace trimmed.
    public struct Field: Sendable, Hashable {
        /// The field name, as sent.
        public var name: String
        /// The field value, without leading or trailing spaces and tabs.
        public var value: String

        /// A field from its name and value.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The fields, in order.
    public private(set) var fields: [Field]

    /// Empty headers.
    public init() {
        self.fields = []
    }

    /// Headers holding `fields`, in order.
    public init(_ fields: [Field]) {
        self.fields = fields
    }

    /// Headers from a literal (order kept; repeated names stay repeated).
    public init(dictionaryLiteral elements: (String, String)...) {
        self.fields = elements.map { Field(name: $0.0, value: $0.1) }
    }

    /// The number of fields.
    public var count: Int { self.fields.count }

    /// Whether there are no fields.
    public var isEmpty: Bool { self.fields.isEmpty }

    /// The value of the first field named `name` (any case), or nil.
    public subscript(name: String) -> String? {
        self.fields.first { Self.namesMatch($0.name, name) }?.value
    }

    /// The values of every field named `name` (any case), in order.
    public func values(for name: String) -> [String] {
        self.fields.filter { Self.namesMatch($0.name, name) }.map(\.value)
    }

    /// Whether some field is named `name` (any case).
    public func contains(_ name: String) -> Bool {
        self.fields.contains { Self.namesMatch($0.name, name) }
    }

    /// Appends a field (an existing field with the same name stays).
    public mutating func add(name: String, value: String) {
        self.fields.append(Field(name: name, value: value))
    }

    /// Removes every field named `name` (any case), then appends `name: value`.
    public mutating func replaceOrAdd(name: String, value: String) {
        self.remove(name: name)
        self.add(name: name, value: value)
    }

    /// Removes every field named `name` (any case).
    public mutating func remove(name: String) {
        self.fields.removeAll { Self.namesMatch($0.name, name) }
    }

    /// Iterates the fields in order.
    public func makeIterator() -> IndexingIterator<[Field]> {
        self.fields.makeIterator()
    }

    /// The names only (values may hold credentials, so they are never printed).
    public var description: String {
        "HTTPHeaders(" + self.fields.map(\.name).joined(separator: ", ") + ")"
    }

    /// ASCII case-insensitive comparison of two field names.
    static func namesMatch(_ lhs: String, _ rhs: String) -> Bool {
        guard lhs.utf8.count == rhs.utf8.count else { return false }
        // Contiguous UTF-8 (native strings need no copy): a plain byte loop, no iterator machinery.
        var left = lhs
        var right = rhs
        return left.withUTF8 { left in
            right.withUTF8 { right in
                for index in 0..<left.count where left[index] != right[index] {
                    guard HTTPSyntax.lowercased(left[index]) == HTTPSyntax.lowercased(right[index]) else { return false }
                }
                return true
            }
        }
    }
}
