import Wire

extension BodyField {
    /// A required display name (a project's, a business's): `length` characters with at least one that is not
    /// blank, stored without leading and trailing blanks.
    static func displayName(
        _ name: String, _ keyPath: WritableKeyPath<Root, String> & Sendable, length: ClosedRange<Int>
    ) -> BodyField {
        .custom(name, schema: [
            "type": "string", "minLength": .int(length.lowerBound), "maxLength": .int(length.upperBound),
            "pattern": #"\S"#, "description": "Stored without leading and trailing blanks.",
        ], required: true) { container, body, prefix in
            guard let text = try value(String.self, container, name, prefix, expected: "a string") else {
                throw missing(name, prefix)
            }
            let trimmed = BlankCharacters.trimming(text)
            guard length.contains(text.schemaLength), !trimmed.isEmpty else {
                throw RouterError.validation(
                    prefix + name,
                    "\(name) must be \(length.lowerBound) to \(length.upperBound) characters, not all of them blank.")
            }
            body[keyPath: keyPath] = trimmed
        }
    }
}
