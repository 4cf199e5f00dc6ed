import Foundation
import Wire

/// One member of a ``RequestBody``: its name, its JSON Schema and how it is read, both made from the same
/// limits by the constructors below (`.string("name", \.name, length: 1...200)` states `minLength`/`maxLength`
/// in the document and refuses a longer name with 400 `VALIDATION_FAILED` `field: "name"`).
///
/// Lengths count Unicode scalars, as JSON Schema's `minLength`/`maxLength` do.
struct BodyField<Root>: Sendable {
    /// Reads the member from the object into the body; the `String` is the dotted prefix of the object.
    typealias Reader = @Sendable (KeyedDecodingContainer<BodyKey>, inout Root, String) throws -> Void

    /// The member's name.
    let name: String
    /// Its JSON Schema.
    let schema: JSONValue
    /// Whether it must be present (and not `null`).
    let required: Bool
    /// How it is read.
    let read: Reader

    /// A field with a hand-made schema and reader (keep both in the one declaration).
    static func custom(_ name: String, schema: JSONValue, required: Bool, read: @escaping Reader) -> BodyField {
        BodyField(name: name, schema: schema, required: required, read: read)
    }

    /// The member decoded as `T`, nil when absent or `null`; a value of another type is 400 naming the field.
    static func value<T: Decodable>(
        _ type: T.Type, _ container: KeyedDecodingContainer<BodyKey>, _ name: String, _ prefix: String,
        expected: String
    ) throws(RouterError) -> T? {
        let key = BodyKey(stringValue: name)
        do {
            return try container.decodeIfPresent(T.self, forKey: key)
        } catch let error as RouterError {
            throw error
        } catch {
            throw RouterError.validation(prefix + name, "\(name) must be \(expected).")
        }
    }

    /// 400: a required member is absent.
    static func missing(_ name: String, _ prefix: String) -> RouterError {
        .validation(prefix + name, "\(name) is required.")
    }
}

/// A check across a body's fields, with the schema parts that state it (`anyOf`, …), declared together.
struct BodyRule<Root>: Sendable {
    /// Members merged into the body's object schema.
    let schema: [(String, JSONValue)]
    /// The check; the `String` is the dotted prefix of the object.
    let check: @Sendable (Root, String) throws -> Void
}

extension String {
    /// The length JSON Schema measures: Unicode scalars (code points).
    var schemaLength: Int { unicodeScalars.count }
}
