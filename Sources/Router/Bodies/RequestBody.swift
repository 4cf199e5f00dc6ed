import Foundation
import Wire

/// A JSON request body declared once: its fields with their limits (``BodyField``) and any rule across
/// fields (``BodyRule``). Decoding (`init(from:)`) and the OpenAPI schema (``schema``) are both derived from
/// that one declaration, so what the Router accepts and what the document says cannot drift.
///
/// ```swift
/// struct CreateKeyBody: RequestBody {
///     var kind = APIKey.Kind.secret
///     static let fields: [BodyField<Self>] = [.enumeration("kind", \.kind)]
/// }
/// Route(.post, "/v1/keys", …, body: CreateKeyBody.self) { body, context in … body.kind … }
/// ```
///
/// Unknown members are ignored; `null` counts as absent for optional fields.
protocol RequestBody: Decodable, Sendable {
    /// A value with every field at its default, filled in member by member while decoding.
    init()
    /// The fields, in document order (declare as `static let`, so the list is built once).
    static var fields: [BodyField<Self>] { get }
    /// Rules across fields, checked after the fields (declare as `static let`).
    static var rules: [BodyRule<Self>] { get }
}

extension RequestBody {
    static var rules: [BodyRule<Self>] { [] }

    /// Decodes the fields and checks the rules; errors are ``RouterError`` 400 `VALIDATION_FAILED` with the
    /// dotted path of the field (`rate_limit.burst`, `tags.3`).
    init(from decoder: any Decoder) throws {
        self.init()
        let prefix = decoder.codingPath.isEmpty ? "" : BodyPath.join(decoder.codingPath) + "."
        let container: KeyedDecodingContainer<BodyKey>
        do {
            container = try decoder.container(keyedBy: BodyKey.self)
        } catch {
            throw RouterError.validation(prefix.isEmpty ? "body" : String(prefix.dropLast()), "This must be a JSON object.")
        }
        for field in Self.fields { try field.read(container, &self, prefix) }
        for rule in Self.rules { try rule.check(self, prefix) }
    }

    /// The JSON Schema of the body: an object of the fields' schemas, the required ones listed, and the
    /// rules' schema parts (`anyOf`, …) merged in.
    static var schema: JSONValue {
        var members: [(String, JSONValue)] = [
            ("type", "object"), ("properties", .object(fields.map { ($0.name, $0.schema) })),
        ]
        let required = fields.filter(\.required).map { JSONValue.string($0.name) }
        if !required.isEmpty { members.append(("required", .array(required))) }
        for rule in rules { members.append(contentsOf: rule.schema) }
        return .object(members)
    }

    /// Decodes `bytes` (an empty body counts as `{}`): 400 `MALFORMED_JSON` for invalid JSON, 400
    /// `VALIDATION_FAILED` naming the field for a missing, mistyped or out-of-limit one.
    static func decode(_ bytes: [UInt8]) throws -> Self {
        do {
            return try JSONDecoder().decode(Self.self, from: bytes.isEmpty ? Data("{}".utf8) : Data(bytes))
        } catch let error as DecodingError {
            throw BodyPath.routerError(error)
        }
    }
}

/// A member name of a body object.
struct BodyKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// Field paths and the mapping of what the JSON decoder throws.
enum BodyPath {
    /// `a.b.3`.
    static func join(_ path: [any CodingKey]) -> String {
        path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }

    /// The decoder's own errors: invalid JSON (no path) is `MALFORMED_JSON`; anything else names its field.
    static func routerError(_ error: DecodingError) -> RouterError {
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return .malformedJSON
        case .keyNotFound(let key, let context):
            return .validation(join(context.codingPath + [key]), "A required field is missing.")
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            let field = join(context.codingPath)
            return .validation(field.isEmpty ? "body" : field, "A field has the wrong type.")
        @unknown default:
            return .validation("body", "The body is not valid.")
        }
    }
}
