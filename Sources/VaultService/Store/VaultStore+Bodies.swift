import Contracts
import ServiceKit

/// One document of a request body, as PostgreSQL read it: its client id (if any) and its `data` as JSON
/// text (PostgreSQL's `jsonb` output, so numbers keep every digit).
struct BodyDocument: Sendable, Hashable {
    /// The client's id.
    var id: String?
    /// `data` as JSON text.
    var data: String
}

extension VaultStore {
    /// Reads a `POST` body (`{"id"?,"data"}` or an array of up to 500 of them) with PostgreSQL's JSON
    /// parser; `MALFORMED_JSON`, `VALIDATION_FAILED` (naming `id`, `data`, `3.data`…) or 413
    /// `PAYLOAD_TOO_LARGE` for a `data` over 1 MiB.
    func createBody(_ body: String) async throws -> (documents: [BodyDocument], batch: Bool) {
        let rows = try await Self.readingJSON {
            try await pool.query("""
                WITH b AS (SELECT $1::jsonb AS v)
                SELECT jsonb_typeof(b.v) = 'array', jsonb_typeof(e), jsonb_typeof(e -> 'id'), e ->> 'id',
                       jsonb_typeof(e -> 'data'), (e -> 'data')::text
                FROM b, jsonb_array_elements(CASE jsonb_typeof(b.v) WHEN 'array' THEN b.v ELSE jsonb_build_array(b.v) END)
                     WITH ORDINALITY AS t(e, n)
                ORDER BY n
                """, [body])
        }
        let batch = try rows.first?.decode(Bool.self, at: 0) ?? true
        guard !rows.isEmpty else { throw PublicError.validation("body", "The batch is empty.") }
        guard rows.count <= VaultLimits.maxBatch else {
            throw PublicError.validation("body", "A batch holds at most \(VaultLimits.maxBatch) documents.")
        }
        var documents: [BodyDocument] = []
        for (index, row) in rows.enumerated() {
            let prefix = batch ? "\(index)." : ""
            let (_, kind, idKind, id, dataKind, data) = try row.decode((Bool, String, String?, String?, String?, String?).self)
            guard kind == "object" else { throw PublicError.validation(batch ? "\(index)" : "body", "A document is a JSON object.") }
            if let idKind, idKind != "null" {
                guard idKind == "string", let id, VaultLimits.isDocumentID(id) else {
                    throw PublicError.validation(prefix + "id", "id must match \(VaultLimits.documentIDPattern).")
                }
            }
            let document = BodyDocument(id: idKind == "string" ? id : nil, data: try Self.checkedData(dataKind, data, field: prefix + "data"))
            documents.append(document)
        }
        return (documents, batch)
    }

    /// Reads a `PUT`/`PATCH` body `{"data":{…}}`: the `data` object's JSON text.
    func writeBody(_ body: String) async throws -> String {
        let rows = try await Self.readingJSON {
            try await pool.query(
                "SELECT jsonb_typeof(v), jsonb_typeof(v -> 'data'), (v -> 'data')::text FROM (SELECT $1::jsonb AS v) b", [body])
        }
        let (kind, dataKind, data) = try rows[0].decode((String, String?, String?).self)
        guard kind == "object" else { throw PublicError.validation("body", "The body is a JSON object.") }
        return try Self.checkedData(dataKind, data, field: "data")
    }

    /// `data` must be an object of at most 1 MiB.
    static func checkedData(_ kind: String?, _ data: String?, field: String) throws(PublicError) -> String {
        guard kind == "object", let data else { throw PublicError.validation(field, "data must be a JSON object.") }
        try checkSize(data.utf8.count)
        return data
    }

    /// 413 `PAYLOAD_TOO_LARGE` past 1 MiB.
    static func checkSize(_ bytes: Int) throws(PublicError) {
        guard bytes <= VaultLimits.maxDataBytes else {
            throw PublicError(.payloadTooLarge, "A document's data is at most \(VaultLimits.maxDataBytes) bytes.")
        }
    }

    /// Runs `body`, turning PostgreSQL's refusals of the JSON it was given (and of a value a unique index
    /// holds already) into public errors.
    static func readingJSON<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PostgresError {
            switch error.sqlState {
            case "22P02", "22032": throw PublicError(.malformedJSON, "The body is not valid JSON.")
            case "22P05", "22021": throw PublicError.validation("data", "data holds text PostgreSQL cannot store (\\u0000).")
            case "54001": throw PublicError.validation("data", "data is nested too deeply.")
            case "23505": throw PublicError.conflict("A value breaks a unique index of the collection.", field: "data")
            default: throw error
            }
        }
    }
}
