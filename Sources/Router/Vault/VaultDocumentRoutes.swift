import Contracts
import Foundation
import Wire

/// `/v1/vault/collections/{name}/documents…`: any key (`.keyOptionalBearer`); VaultService applies the
/// collection's rules to the key kind and the verified end user the ``CallContext`` carries. Bodies are
/// forwarded as the UTF-8 text received (``DocumentBodies`` documents them) and documents come back as the
/// JSON PostgreSQL wrote, so numbers keep every digit.
struct VaultDocumentRoutes {
    /// VaultService's client.
    let vault: @Sendable () throws -> VaultContract.Client

    private static let one = "/v1/vault/collections/{name}/documents/{id}"
    private static let all = "/v1/vault/collections/{name}/documents"

    /// The list's query: `limit`, `cursor`, `order`, `count`; every other parameter is a filter.
    static let listParameters: [QueryParameter] = [
        QueryParameter(name: "limit", schema: [
            "type": "integer", "minimum": .int(VaultLimits.pageSizes.lowerBound),
            "maximum": .int(VaultLimits.pageSizes.upperBound), "default": .int(VaultLimits.defaultPageSize),
        ]),
        QueryParameter(name: "cursor", schema: ["type": "string"]),
        QueryParameter(name: "order", schema: [
            "type": "string", "description": "field.asc or field.desc, comma-separated (default created_at.asc)",
        ]),
        QueryParameter(name: "count", schema: ["type": "string", "enum": ["exact"]]),
        QueryParameter(name: "filters", schema: [
            "type": "object", "additionalProperties": ["type": "string"],
            "description": "Any other parameter is a filter on a data field (dotted) or id/created_at/updated_at: [not.]eq|neq|gt|gte|lt|lte|like|ilike.value, in.(a,b), is.null|true|false.",
        ]),
    ]

    /// The routes.
    var routes: [Route] { [
        Route(.post, Self.all, auth: .keyOptionalBearer, tag: "vault",
              summary: "Create a document, or a batch of up to 500 (all or nothing)",
              request: DocumentBodies.create, response: .init(status: 201, schema: VaultSchemas.created), idempotent: true,
              handler: create),
        Route(.get, Self.all, auth: .keyOptionalBearer, tag: "vault", summary: "List documents: filters, order, keyset cursor",
              query: Self.listParameters, response: .init(status: 200, schema: VaultSchemas.documents), handler: list),
        Route(.get, Self.one, auth: .keyOptionalBearer, tag: "vault", summary: "A document (ETag: its version)",
              response: .init(status: 200, schema: VaultSchemas.document), handler: get),
        Route(.patch, Self.one, auth: .keyOptionalBearer, tag: "vault",
              summary: "JSON Merge Patch of a document's data (If-Match: its version)",
              request: DocumentBodies.write, response: .init(status: 200, schema: VaultSchemas.document),
              handler: { try await write(.patch, $0) }),
        Route(.put, Self.one, auth: .keyOptionalBearer, tag: "vault",
              summary: "Replace a document's data, creating it when absent (201; If-Match: its version)",
              request: DocumentBodies.write, response: .init(status: 200, schema: VaultSchemas.document, alsoStatuses: [201]),
              handler: { try await write(.replace, $0) }),
        Route(.delete, Self.one, auth: .keyOptionalBearer, tag: "vault", summary: "Delete a document (If-Match: its version)",
              response: .init(status: 204, schema: nil), handler: delete),
    ] }

    @Sendable private func create(_ context: RequestContext) async throws -> RouteResponse {
        let vault = try vault()
        let request = CreateDocumentsRequest(collection: context.parameter("name"), body: try Self.text(context))
        let created = try await upstream { try await vault.call(VaultContract.createDocuments, request, context.callContext) }
        if created.batch {
            return .rawJSON(Array(("{\"data\":[" + created.documents.map(\.json).joined(separator: ",") + "]}").utf8), status: 201)
        }
        return Self.document(created.documents[0], status: 201)
    }

    @Sendable private func list(_ context: RequestContext) async throws -> RouteResponse {
        let vault = try vault()
        let request = try DocumentListQuery.read(context)
        let page = try await upstream { try await vault.call(VaultContract.listDocuments, request, context.callContext) }
        var text = "{\"data\":[" + page.data.map(\.json).joined(separator: ",") + "],\"next_cursor\":"
        text += String(decoding: JSONValue.string(page.nextCursor).serializedBytes, as: UTF8.self)
        if let total = page.total { text += ",\"total\":\(total)" }
        return .rawJSON(Array((text + "}").utf8))
    }

    @Sendable private func get(_ context: RequestContext) async throws -> RouteResponse {
        let vault = try vault()
        let request = DocumentRequest(collection: context.parameter("name"), id: context.parameter("id"))
        return Self.document(try await upstream { try await vault.call(VaultContract.getDocument, request, context.callContext) })
    }

    private func write(_ mode: WriteMode, _ context: RequestContext) async throws -> RouteResponse {
        let vault = try vault()
        let request = WriteDocumentRequest(document: try Self.target(context), mode: mode, body: try Self.text(context))
        let written = try await upstream { try await vault.call(VaultContract.writeDocument, request, context.callContext) }
        return Self.document(written.document, status: written.created ? 201 : 200)
    }

    @Sendable private func delete(_ context: RequestContext) async throws -> RouteResponse {
        let vault = try vault()
        let request = try Self.target(context)
        _ = try await upstream { try await vault.call(VaultContract.deleteDocument, request, context.callContext) }
        return .noContent
    }

    /// The document the path names, with `If-Match: "<version>"` when sent (400 naming `If-Match` if it
    /// is not one quoted version).
    private static func target(_ context: RequestContext) throws(RouterError) -> DocumentRequest {
        var version: Int64?
        if let header = context.request.headers["If-Match"] {
            let trimmed = header.trimmingCharacters(in: .whitespaces)
            guard trimmed.count >= 3, trimmed.hasPrefix("\""), trimmed.hasSuffix("\""),
                  let number = Int64(trimmed.dropFirst().dropLast()), number > 0
            else { throw RouterError.validation("If-Match", #"If-Match is one version in quotes: "3"."#) }
            version = number
        }
        return DocumentRequest(collection: context.parameter("name"), id: context.parameter("id"), ifMatch: version)
    }

    /// The body as text: 400 `MALFORMED_JSON` unless it is UTF-8.
    private static func text(_ context: RequestContext) throws(RouterError) -> String {
        guard let text = String(validating: context.request.body, as: UTF8.self) else { throw RouterError.malformedJSON }
        return text
    }

    /// A document with `ETag: "<version>"`.
    private static func document(_ document: DocumentView, status: Int = 200) -> RouteResponse {
        .rawJSON(Array(document.json.utf8), status: status, headers: [("ETag", "\"\(document.version)\"")])
    }
}
