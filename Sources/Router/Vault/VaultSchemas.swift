import Contracts

/// JSON Schemas of the `/v1/vault/*` responses, for the OpenAPI document.
enum VaultSchemas {
    private static let rule: JSONValue = ["type": "string", "enum": .array(AccessRule.allCases.map { .string($0.rawValue) })]

    /// A collection.
    static let collection = Schemas.object([
        ("name", Schemas.string),
        ("indexes", ["type": "array", "items": Schemas.object([
            ("fields", ["type": "array", "items": Schemas.string]), ("unique", ["type": "boolean"]),
        ])]),
        ("rules", Schemas.object([("read", rule), ("create", rule), ("update", rule), ("delete", rule)])),
        ("document_count", ["type": "integer"]), ("created_at", Schemas.timestamp),
    ])

    /// A document.
    static let document = Schemas.object([
        ("id", Schemas.string), ("version", ["type": "integer"]), ("owner_id", ["type": ["string", "null"]]),
        ("created_at", Schemas.timestamp), ("updated_at", Schemas.timestamp), ("data", ["type": "object"]),
    ])

    /// A created batch.
    static let created: JSONValue = ["oneOf": [document, Schemas.object([("data", ["type": "array", "items": document])])]]

    /// A page of documents (`total` with `count=exact`).
    static let documents: JSONValue = [
        "type": "object",
        "properties": [
            "data": ["type": "array", "items": document], "next_cursor": ["type": ["string", "null"]],
            "total": ["type": "integer"],
        ],
        "required": ["data", "next_cursor"],
    ]

    /// The operator's view of a project's vault.
    static let tenant = Schemas.object([
        ("tier", ["type": "string", "enum": ["shared", "dedicated"]]), ("location", ["type": ["string", "null"]]),
        ("schema_version", ["type": "integer"]), ("collections", ["type": "integer"]),
        ("documents", ["type": "integer"]), ("size_bytes", ["type": "integer"]),
        ("move", ["type": ["object", "null"], "properties": [
            "state": ["type": "string", "enum": ["copying", "completed", "failed"]], "tier": Schemas.string,
            "target": ["type": ["string", "null"]], "started_at": Schemas.timestamp, "finished_at": Schemas.optionalTimestamp,
            "pause_ms": ["type": ["integer", "null"]], "error": ["type": ["string", "null"]],
        ]]),
    ])
}

extension VaultSchemas {
    /// The tenant-schema migrations' progress.
    static let migrations = Schemas.object([
        ("latest", ["type": "integer"]),
        ("tenants", Schemas.object([("applied", ["type": "integer"]), ("pending", ["type": "integer"]), ("failed", ["type": "integer"])])),
        ("failures", ["type": "array", "items": Schemas.object([
            ("project_id", Schemas.string), ("version", ["type": "integer"]), ("error", Schemas.string),
        ])]),
    ])
}

extension VaultSchemas {
    /// A backup (`restore` once one was asked for).
    static let backup = Schemas.object([
        ("id", Schemas.string), ("status", ["type": "string", "enum": ["running", "completed", "failed"]]),
        ("size_bytes", ["type": "integer"]), ("documents", ["type": "integer"]), ("created_at", Schemas.timestamp),
        ("completed_at", Schemas.optionalTimestamp),
        ("restore", ["type": ["string", "null"], "enum": ["running", "completed", "failed", .null]]),
        ("trigger", ["type": "string", "enum": ["manual", "scheduled"]]),
    ])
}

extension BackupView {
    /// `{"id","status","size_bytes","documents","created_at","completed_at","restore","trigger"}`.
    var json: JSONValue {
        [
            "id": .string(id), "status": .string(status), "size_bytes": .int(Int(sizeBytes)), "documents": .int(Int(documents)),
            "created_at": .date(createdAt), "completed_at": .date(completedAt), "restore": .string(restore),
            "trigger": .string(trigger ?? "manual"),
        ]
    }
}

extension VaultMigrationsView {
    /// `{"latest","tenants":{"applied","pending","failed"},"failures":[{"project_id","version","error"}]}`.
    var json: JSONValue {
        [
            "latest": .int(latest),
            "tenants": ["applied": .int(Int(applied)), "pending": .int(Int(pending)), "failed": .int(Int(failed))],
            "failures": .array(failures.map {
                ["project_id": .string($0.projectID), "version": .int($0.version), "error": .string($0.error)]
            }),
        ]
    }
}

extension CollectionView {
    /// `{"name","indexes","rules","document_count","created_at"}`.
    var json: JSONValue {
        [
            "name": .string(name),
            "indexes": .array(indexes.map { ["fields": .array($0.fields.map(JSONValue.string)), "unique": .bool($0.unique)] }),
            "rules": [
                "read": .string(rules.read.rawValue), "create": .string(rules.create.rawValue),
                "update": .string(rules.update.rawValue), "delete": .string(rules.delete.rawValue),
            ],
            "document_count": .int(Int(documentCount)), "created_at": .date(createdAt),
        ]
    }
}

extension TenantView {
    /// `{"tier","location","schema_version","collections","documents","size_bytes","move":null}`.
    var json: JSONValue {
        [
            "tier": .string(tier), "location": .string(location), "schema_version": .int(schemaVersion),
            "collections": .int(Int(collections)), "documents": .int(Int(documents)), "size_bytes": .int(Int(sizeBytes)),
            "move": move.map { move -> JSONValue in
                [
                    "state": .string(move.state), "tier": .string(move.tier), "target": .string(move.target),
                    "started_at": .date(move.startedAt), "finished_at": .date(move.finishedAt),
                    "pause_ms": move.pauseMilliseconds.map { .int($0) } ?? .null, "error": .string(move.error),
                ]
            } ?? .null,
        ]
    }
}
