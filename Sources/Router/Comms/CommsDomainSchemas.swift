import Contracts

/// JSON Schema of a sender domain (`/v1/comms/domains*`), for the OpenAPI document.
enum CommsDomainSchemas {
    /// One DNS record to publish.
    static let record = Schemas.object([
        ("type", ["type": "string", "enum": ["TXT", "CNAME", "MX"]]), ("name", Schemas.string), ("value", Schemas.string),
        ("purpose", ["type": "string", "enum": .array(DomainRecordPurpose.allCases.map { .string($0.rawValue) })]),
    ])

    /// A sender domain.
    static let domain = Schemas.object([
        ("id", Schemas.string), ("name", Schemas.string),
        ("status", ["type": "string", "enum": .array(DomainStatus.allCases.map { .string($0.rawValue) })]),
        ("failure", ["type": ["string", "null"]]), ("records", ["type": "array", "items": record]),
        ("created_at", Schemas.timestamp), ("verified_at", Schemas.optionalTimestamp),
    ])
}

extension DomainView {
    /// `{"id","name","status","failure","records":[{"type","name","value","purpose"}],"created_at","verified_at"}`.
    var json: JSONValue {
        [
            "id": .string(id), "name": .string(name), "status": .string(status), "failure": .string(failure),
            "records": .array(records.map { record in
                ["type": .string(record.type), "name": .string(record.name), "value": .string(record.value),
                 "purpose": .string(record.purpose)]
            }),
            "created_at": .date(createdAt), "verified_at": .date(verifiedAt),
        ]
    }
}
