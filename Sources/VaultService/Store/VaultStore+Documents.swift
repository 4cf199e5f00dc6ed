import Contracts
import ServiceKit

extension VaultStore {
    /// One document as `caller` may read it (`owner` rule: only their own; others' look absent).
    func document(_ request: DocumentRequest, caller: Caller) async throws -> DocumentView {
        let location = try await location(caller.projectID)
        let schema = location.schema
        let access = try caller.access(try await rules(location.pool, schema: schema, collection: request.collection).read)
        let rows = try await location.pool.query("""
            SELECT \(Self.documentColumns) FROM \(schema).documents
            WHERE collection = $1 AND id = $2 AND ($3::text IS NULL OR owner_id = $3)
            """, [request.collection, request.id, access.onlyOwner])
        guard let row = rows.first else { throw Self.noDocument }
        return try Self.document(row)
    }

    /// Creates `documents` in one transaction (all or nothing): a taken id is 409 `CONFLICT` naming it.
    func insert(_ documents: [BodyDocument], batch: Bool, collection: String, caller: Caller) async throws -> [DocumentView] {
        return try await writing(caller.projectID) { tx, schema in
            let access = try caller.access(try await rules(tx, schema: schema, collection: collection).create)
            var created: [DocumentView] = []
            for (index, document) in documents.enumerated() {
                let rows = try await Self.readingJSON {
                    try await tx.query("""
                        INSERT INTO \(schema).documents (collection, id, owner_id, data) VALUES ($1, $2, $3, $4::jsonb)
                        ON CONFLICT (collection, id) DO NOTHING RETURNING \(Self.documentColumns)
                        """, [collection, document.id ?? DocumentID.make(), access.owner, document.data])
                }
                guard let row = rows.first else {
                    throw PublicError.conflict("A document with this id already exists.", field: batch ? "\(index).id" : "id")
                }
                created.append(try Self.document(row))
            }
            return created
        }
    }

    /// Patches or replaces a document (replace creates it when absent: `created`), checking the rules,
    /// `If-Match` (412 `VERSION_MISMATCH` with the current version) and the size after the write.
    func write(_ request: WriteDocumentRequest, data: String, caller: Caller) async throws -> WrittenDocument {
        let target = request.document
        return try await writing(caller.projectID) { tx, schema in
            let rules = try await rules(tx, schema: schema, collection: target.collection)
            let current = try await tx.query(
                "SELECT version, owner_id FROM \(schema).documents WHERE collection = $1 AND id = $2 FOR UPDATE",
                [target.collection, target.id])
            guard let row = current.first else {
                guard request.mode == .replace else {
                    _ = try caller.access(rules.update)
                    throw Self.noDocument
                }
                let access = try caller.access(rules.create)
                guard target.ifMatch == nil else {
                    throw PublicError(.versionMismatch, "The document does not exist.")
                }
                guard VaultLimits.isDocumentID(target.id) else {
                    throw PublicError.validation("id", "id must match \(VaultLimits.documentIDPattern).")
                }
                let rows = try await Self.readingJSON {
                    try await tx.query("""
                        INSERT INTO \(schema).documents (collection, id, owner_id, data) VALUES ($1, $2, $3, $4::jsonb)
                        RETURNING \(Self.documentColumns)
                        """, [target.collection, target.id, access.owner, data])
                }
                return WrittenDocument(document: try Self.document(rows[0]), created: true)
            }
            let (version, owner) = try row.decode((Int64, String?).self)
            try Self.checkOwner(try caller.access(rules.update), owner: owner)
            try Self.checkVersion(target.ifMatch, current: version)
            let newData = request.mode == .patch ? "\(catalog).json_merge_patch(data, $3::jsonb)" : "$3::jsonb"
            let rows = try await Self.readingJSON {
                try await tx.query("""
                    UPDATE \(schema).documents SET data = \(newData), version = version + 1, updated_at = clock_timestamp()
                    WHERE collection = $1 AND id = $2 RETURNING \(Self.documentColumns), octet_length(data::text)
                    """, [target.collection, target.id, data])
            }
            try Self.checkSize(try rows[0].decode(Int.self, at: 3))
            return WrittenDocument(document: try Self.document(rows[0]), created: false)
        }
    }

    /// Deletes a document, checking the rules and `If-Match`.
    func delete(_ request: DocumentRequest, caller: Caller) async throws {
        try await writing(caller.projectID) { tx, schema in
            let access = try caller.access(try await rules(tx, schema: schema, collection: request.collection).delete)
            let current = try await tx.query(
                "SELECT version, owner_id FROM \(schema).documents WHERE collection = $1 AND id = $2 FOR UPDATE",
                [request.collection, request.id])
            guard let row = current.first else { throw Self.noDocument }
            let (version, owner) = try row.decode((Int64, String?).self)
            try Self.checkOwner(access, owner: owner)
            try Self.checkVersion(request.ifMatch, current: version)
            try await tx.execute(
                "DELETE FROM \(schema).documents WHERE collection = $1 AND id = $2", [request.collection, request.id])
        }
    }

    /// Another user's document under the `owner` rule looks absent.
    private static func checkOwner(_ access: Caller.Access, owner: String?) throws(PublicError) {
        if let only = access.onlyOwner, only != owner { throw noDocument }
    }

    /// `If-Match` that is not the current version: 412 `VERSION_MISMATCH` with `current_version`.
    private static func checkVersion(_ expected: Int64?, current: Int64) throws(PublicError) {
        if let expected, expected != current {
            throw PublicError(.versionMismatch, "The document has changed.", currentVersion: current)
        }
    }
}

/// Generated document ids: 20 characters of lower-case base32 (100 bits).
enum DocumentID {
    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

    /// A new id.
    static func make() -> String {
        String(decoding: SecureRandom.bytes(20).map { alphabet[Int($0 & 31)] }, as: UTF8.self)
    }
}
