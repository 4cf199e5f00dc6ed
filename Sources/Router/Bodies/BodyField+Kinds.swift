import Foundation
import Wire

// The field constructors: each states a limit once, for the schema and for the check.

extension BodyField {
    /// A required string, `length` scalars long, one of `values` when given, without control characters when
    /// `printable`.
    static func string(
        _ name: String, _ keyPath: WritableKeyPath<Root, String> & Sendable, length: ClosedRange<Int>? = nil,
        values: [String]? = nil, printable: Bool = false, description: String? = nil
    ) -> BodyField {
        let schema = stringSchema(length, values, description, nullable: false, printable: printable)
        return BodyField(name: name, schema: schema, required: true) {
            container, root, prefix in
            guard let text = try value(String.self, container, name, prefix, expected: "a string") else {
                throw missing(name, prefix)
            }
            try check(text, name, prefix, length, values, printable: printable)
            root[keyPath: keyPath] = text
        }
    }

    /// An optional string (`null` counts as absent), `length` scalars long and one of `values` when present.
    static func string(
        _ name: String, _ keyPath: WritableKeyPath<Root, String?> & Sendable, length: ClosedRange<Int>? = nil,
        values: [String]? = nil, description: String? = nil
    ) -> BodyField {
        BodyField(name: name, schema: stringSchema(length, values, description, nullable: true), required: false) {
            container, root, prefix in
            guard let text = try value(String.self, container, name, prefix, expected: "a string") else { return }
            try check(text, name, prefix, length, values)
            root[keyPath: keyPath] = text
        }
    }

    /// A required string naming a case of `E`.
    static func enumeration<E: RawRepresentable & CaseIterable & Sendable>(
        _ name: String, _ keyPath: WritableKeyPath<Root, E> & Sendable
    ) -> BodyField where E.RawValue == String {
        let values = E.allCases.map(\.rawValue)
        return BodyField(name: name, schema: stringSchema(nil, values, nil, nullable: false), required: true) {
            container, root, prefix in
            guard let text = try value(String.self, container, name, prefix, expected: "a string") else {
                throw missing(name, prefix)
            }
            guard let parsed = E(rawValue: text) else { throw oneOf(name, prefix, values) }
            root[keyPath: keyPath] = parsed
        }
    }

    /// A required integer in `range`.
    static func integer(
        _ name: String, _ keyPath: WritableKeyPath<Root, Int> & Sendable, range: ClosedRange<Int>
    ) -> BodyField {
        integer(name, range: range, required: true) { root, number in root[keyPath: keyPath] = number }
    }

    /// An optional integer in `range` (`null` counts as absent).
    static func integer(
        _ name: String, _ keyPath: WritableKeyPath<Root, Int?> & Sendable, range: ClosedRange<Int>
    ) -> BodyField {
        integer(name, range: range, required: false) { root, number in root[keyPath: keyPath] = number }
    }

    private static func integer(
        _ name: String, range: ClosedRange<Int>, required: Bool, assign: @escaping @Sendable (inout Root, Int) -> Void
    ) -> BodyField {
        let schema: JSONValue = [
            "type": required ? "integer" : ["integer", "null"], "minimum": .int(range.lowerBound),
            "maximum": .int(range.upperBound),
        ]
        return BodyField(name: name, schema: schema, required: required) { container, root, prefix in
            guard let number = try value(Int.self, container, name, prefix, expected: "an integer") else {
                if required { throw missing(name, prefix) }
                return
            }
            guard range.contains(number) else {
                throw RouterError.validation(
                    prefix + name, "\(name) must be \(range.lowerBound) to \(range.upperBound).")
            }
            assign(&root, number)
        }
    }

    /// An optional boolean.
    static func boolean(_ name: String, _ keyPath: WritableKeyPath<Root, Bool?> & Sendable) -> BodyField {
        BodyField(name: name, schema: ["type": ["boolean", "null"]], required: false) { container, root, prefix in
            root[keyPath: keyPath] = try value(Bool.self, container, name, prefix, expected: "a boolean")
        }
    }

    /// An optional array of `count` strings, each `itemLength` scalars long.
    static func strings(
        _ name: String, _ keyPath: WritableKeyPath<Root, [String]?> & Sendable, count: ClosedRange<Int>,
        itemLength: ClosedRange<Int>? = nil
    ) -> BodyField {
        let schema: JSONValue = [
            "type": ["array", "null"], "items": stringSchema(itemLength, nil, nil, nullable: false),
            "minItems": .int(count.lowerBound), "maxItems": .int(count.upperBound),
        ]
        return BodyField(name: name, schema: schema, required: false) { container, root, prefix in
            guard let items = try value([JSONValue].self, container, name, prefix, expected: "an array") else { return }
            guard count.contains(items.count) else {
                throw RouterError.validation(prefix + name, "\(name) must have \(count.lowerBound) to \(count.upperBound) items.")
            }
            var texts: [String] = []
            for (index, item) in items.enumerated() {
                guard case .string(let text) = item else {
                    throw RouterError.validation("\(prefix)\(name).\(index)", "Each item of \(name) must be a string.")
                }
                try check(text, "\(name).\(index)", prefix, itemLength, nil)
                texts.append(text)
            }
            root[keyPath: keyPath] = texts
        }
    }

    /// A required nested object, itself a ``RequestBody``.
    static func object<Nested: RequestBody>(_ name: String, _ keyPath: WritableKeyPath<Root, Nested> & Sendable) -> BodyField {
        BodyField(name: name, schema: Nested.schema, required: true) { container, root, prefix in
            guard let nested = try value(Nested.self, container, name, prefix, expected: "an object") else {
                throw missing(name, prefix)
            }
            root[keyPath: keyPath] = nested
        }
    }

    /// An optional nested object, itself a ``RequestBody`` (`null` counts as absent).
    static func object<Nested: RequestBody>(_ name: String, _ keyPath: WritableKeyPath<Root, Nested?> & Sendable) -> BodyField {
        BodyField(name: name, schema: ["anyOf": [Nested.schema, ["type": "null"]]], required: false) {
            container, root, prefix in
            root[keyPath: keyPath] = try value(Nested.self, container, name, prefix, expected: "an object")
        }
    }

    /// An optional free JSON object (a user's `data`), kept as its value.
    static func jsonObject(
        _ name: String, _ keyPath: WritableKeyPath<Root, JSONValue?> & Sendable, description: String
    ) -> BodyField {
        BodyField(name: name, schema: ["type": ["object", "null"], "description": .string(description)], required: false) {
            container, root, prefix in
            guard let object = try value(JSONValue.self, container, name, prefix, expected: "a JSON object") else {
                return
            }
            guard case .object = object else { throw RouterError.validation(prefix + name, "\(name) must be a JSON object.") }
            root[keyPath: keyPath] = object
        }
    }

    /// The schema of a string field.
    static func stringSchema(
        _ length: ClosedRange<Int>?, _ values: [String]?, _ description: String?, nullable: Bool,
        printable: Bool = false
    ) -> JSONValue {
        var members: [(String, JSONValue)] = [("type", nullable ? ["string", "null"] : "string")]
        if let values { members.append(("enum", .array(values.map(JSONValue.string) + (nullable ? [.null] : [])))) }
        if let length {
            if length.lowerBound > 0 { members.append(("minLength", .int(length.lowerBound))) }
            if length.upperBound < Int.max { members.append(("maxLength", .int(length.upperBound))) }
        }
        if printable { members.append(("pattern", .string(#"^[^\u0000-\u001F\u007F-\u009F]*$"#))) }
        if let description { members.append(("description", .string(description))) }
        return .object(members)
    }

    /// The string checks of `string(…)`.
    private static func check(
        _ text: String, _ name: String, _ prefix: String, _ length: ClosedRange<Int>?, _ values: [String]?,
        printable: Bool = false
    ) throws(RouterError) {
        if printable, text.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            throw RouterError.validation(prefix + name, "\(name) must not contain control characters.")
        }
        if let length, !length.contains(text.schemaLength) {
            throw RouterError.validation(prefix + name, length.upperBound == Int.max
                ? "\(name) must be at least \(length.lowerBound) characters."
                : "\(name) must be \(length.lowerBound) to \(length.upperBound) characters.")
        }
        if let values, !values.contains(text) { throw oneOf(name, prefix, values) }
    }

    /// 400: not one of `values`.
    private static func oneOf(_ name: String, _ prefix: String, _ values: [String]) -> RouterError {
        .validation(prefix + name, "\(name) must be one of " + values.joined(separator: ", ") + ".")
    }
}
