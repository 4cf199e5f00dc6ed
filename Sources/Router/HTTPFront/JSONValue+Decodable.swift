import Foundation

/// Any JSON value decoded from a request body, for fields the contract leaves free (a user's `data`, a
/// template's variables). Object members come out sorted by name.
///
/// ```swift
/// struct Body: Decodable { let data: JSONValue? }
/// let body = try request.decode(Body.self)   // body.data?.serialized == #"{"plan":"pro"}"#
/// ```
extension JSONValue: Decodable {
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            let members = try container.decode([String: JSONValue].self)
            self = .object(members.sorted { $0.key < $1.key })
        }
    }

    /// The members when this is an object.
    var objectMembers: [(String, JSONValue)]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// A scalar as text (`"x"` → `x`, `3` → `3`, `true` → `true`); nil for null, arrays and objects.
    var scalarText: String? {
        switch self {
        case .string(let text): text
        case .int(let value): String(value)
        case .double(let value): String(value)
        case .bool(let value): String(value)
        default: nil
        }
    }
}

extension JSONValue {
    /// Parses JSON text (e.g. a user's `data` stored by a service) into a value; nil when it is not JSON.
    static func parse(_ text: String) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }
}
