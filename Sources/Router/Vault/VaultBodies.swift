import Contracts
import Wire

/// `rules` of a collection: one of `none`, `public`, `authenticated`, `owner` per operation (absent: `none`
/// on create, unchanged on update).
struct CollectionRulesBody: RequestBody {
    var read: String?
    var create: String?
    var update: String?
    var delete: String?

    private static let values = AccessRule.allCases.map(\.rawValue)
    static let fields: [BodyField<Self>] = [
        .string("read", \.read, values: values), .string("create", \.create, values: values),
        .string("update", \.update, values: values), .string("delete", \.delete, values: values),
    ]

    /// The members given, as a change.
    var change: CollectionRulesChange {
        CollectionRulesChange(
            read: read.flatMap(AccessRule.init(rawValue:)), create: create.flatMap(AccessRule.init(rawValue:)),
            update: update.flatMap(AccessRule.init(rawValue:)), delete: delete.flatMap(AccessRule.init(rawValue:)))
    }
}

/// `indexes`: `[{"fields":["status","-created_at"],"unique"?:false}]`, each field a dotted `data` path or
/// `id`/`created_at`/`updated_at` with a leading `-` for descending. The Router checks the shape; VaultService
/// checks the fields and the per-collection limit.
enum CollectionIndexesField {
    static func field<Root: RequestBody>(_ keyPath: WritableKeyPath<Root, [CollectionIndex]?> & Sendable) -> BodyField<Root> {
        .custom("indexes", schema: [
            "type": ["array", "null"],
            "items": [
                "type": "object",
                "properties": [
                    "fields": ["type": "array", "items": ["type": "string"], "minItems": 1, "maxItems": 5],
                    "unique": ["type": "boolean"],
                ],
                "required": ["fields"],
            ],
        ], required: false) { container, body, prefix in
            guard let items = try BodyField<Root>.value([JSONValue].self, container, "indexes", prefix, expected: "an array")
            else { return }
            var indexes: [CollectionIndex] = []
            for (offset, item) in items.enumerated() {
                let field = "\(prefix)indexes.\(offset)"
                guard case .object(let members) = item else { throw RouterError.validation(field, "An index is an object.") }
                var fields: [String]?
                var unique = false
                for (name, value) in members {
                    switch (name, value) {
                    case ("fields", .array(let values)):
                        fields = try values.enumerated().map { index, value throws(RouterError) in
                            guard case .string(let text) = value else {
                                throw RouterError.validation("\(field).fields.\(index)", "A field is a string.")
                            }
                            return text
                        }
                    case ("unique", .bool(let flag)): unique = flag
                    case ("unique", .null): break
                    default: throw RouterError.validation("\(field).\(name)", "An index is {\"fields\":[…],\"unique\"?:false}.")
                    }
                }
                guard let fields, !fields.isEmpty else {
                    throw RouterError.validation("\(field).fields", "An index needs a non-empty array of fields.")
                }
                indexes.append(CollectionIndex(fields: fields, unique: unique))
            }
            body[keyPath: keyPath] = indexes
        }
    }
}

/// `POST /v1/vault/collections`.
struct CreateCollectionBody: RequestBody {
    var name = ""
    var rules: CollectionRulesBody?
    var indexes: [CollectionIndex]?

    static let fields: [BodyField<Self>] = [
        .custom("name", schema: ["type": "string", "pattern": .string(VaultLimits.collectionNamePattern)], required: true) {
            container, body, prefix in
            guard let name = try BodyField<Self>.value(String.self, container, "name", prefix, expected: "a string") else {
                throw RouterError.validation(prefix + "name", "A required field is missing.")
            }
            guard VaultLimits.isCollectionName(name) else {
                throw RouterError.validation(prefix + "name", "name must match \(VaultLimits.collectionNamePattern).")
            }
            body.name = name
        },
        .object("rules", \.rules), CollectionIndexesField.field(\.indexes),
    ]
}

/// `PATCH /v1/vault/collections/{name}`: absent members keep their value.
struct UpdateCollectionBody: RequestBody {
    var rules: CollectionRulesBody?
    var indexes: [CollectionIndex]?

    static let fields: [BodyField<Self>] = [.object("rules", \.rules), CollectionIndexesField.field(\.indexes)]
}

/// The document bodies, for the OpenAPI document only: the Router forwards the body's text as received
/// and VaultService reads it with PostgreSQL's JSON parser (numbers keep every digit), checking the same
/// limits (`id` pattern, `data` an object of at most 1 MiB, batches of at most 500).
enum DocumentBodies {
    private static let data: JSONValue = ["type": "object", "description": "The document's JSON (at most 1 MiB)."]

    /// `{"id"?,"data"}` (a `null` id counts as absent, as in every body).
    static let one: JSONValue = [
        "type": "object",
        "properties": [
            "id": ["type": ["string", "null"], "pattern": .string(VaultLimits.documentIDPattern)], "data": data,
        ],
        "required": ["data"],
    ]

    /// One document or an array of them.
    static let create: JSONValue = [
        "oneOf": [one, ["type": "array", "items": one, "minItems": 1, "maxItems": .int(VaultLimits.maxBatch)]],
    ]

    /// `{"data"}` of `PUT` and `PATCH` (a JSON Merge Patch of `data` for `PATCH`).
    static let write: JSONValue = ["type": "object", "properties": ["data": data], "required": ["data"]]
}

/// `POST /v1/admin/projects/{id}/vault/move`: `{"tier":"dedicated","database_url"?}` or `{"tier":"shared"}`.
struct MoveTenantBody: RequestBody {
    var tier = ""
    var databaseURL: String?

    static let fields: [BodyField<Self>] = [
        .string("tier", \.tier, values: ["dedicated", "shared"]), .string("database_url", \.databaseURL, length: 1...2000),
    ]
}
