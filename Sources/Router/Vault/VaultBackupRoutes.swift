import Contracts
import Foundation
import Wire

/// `/v1/vault/backups…` and `/v1/vault/restore` (secret key), forwarded to VaultService over Wire.
///
/// The download is NDJSON (`application/x-ndjson`). The HTTP server sends whole responses with
/// `Content-Length` (no chunked streaming), so the Router gathers the lines page by page over Wire (at most
/// 4 MiB a call) into one body, bounded at ``maxDownloadBytes``: a larger backup answers 413
/// `PAYLOAD_TOO_LARGE` rather than holding more in memory.
struct VaultBackupRoutes {
    /// VaultService's client.
    let vault: @Sendable () throws -> VaultContract.Client

    /// The largest download.
    static let maxDownloadBytes = 256 << 20
    /// The most bytes of lines one Wire call carries.
    static let pageBytes = 4 << 20

    /// The routes.
    var routes: [Route] { [
        Route(.post, "/v1/vault/backups", auth: .secretKey, tag: "vault",
              summary: "Start a consistent snapshot of the project's vault",
              response: .init(status: 202, schema: VaultSchemas.backup), handler: create),
        Route(.get, "/v1/vault/backups", auth: .secretKey, tag: "vault", summary: "The project's backups, newest first",
              response: .init(status: 200, schema: Schemas.list(VaultSchemas.backup)), handler: list),
        Route(.get, "/v1/vault/backups/{id}", auth: .secretKey, tag: "vault", summary: "A backup, and its last restore",
              response: .init(status: 200, schema: VaultSchemas.backup), handler: get),
        Route(.get, "/v1/vault/backups/{id}/download", auth: .secretKey, tag: "vault",
              summary: "A completed backup as NDJSON: collections, then documents",
              response: .init(status: 200, schema: ["type": "string"], contentType: "application/x-ndjson"),
              deadline: .seconds(120), handler: download),
        Route(.post, "/v1/vault/restore", auth: .secretKey, tag: "vault",
              summary: "Make the project's vault exactly a completed backup (atomic; other projects untouched)",
              body: RestoreBody.self, response: .init(status: 202, schema: VaultSchemas.backup), handler: restore),
    ] }

    @Sendable private func create(_ context: RequestContext) async throws -> RouteResponse {
        let vault = try vault()
        return .json(try await upstream { try await vault.call(VaultContract.createBackup, Empty(), context.callContext) }.json, status: 202)
    }

    @Sendable private func list(_ context: RequestContext) async throws -> RouteResponse {
        let vault = try vault()
        let page = try await upstream { try await vault.call(VaultContract.listBackups, Empty(), context.callContext) }
        return Pagination.page(page.data.map(\.json), next: nil)
    }

    @Sendable private func get(_ context: RequestContext) async throws -> RouteResponse {
        let vault = try vault()
        let request = BackupRequest(id: context.parameter("id"))
        return .json(try await upstream { try await vault.call(VaultContract.getBackup, request, context.callContext) }.json)
    }

    @Sendable private func download(_ context: RequestContext) async throws -> RouteResponse {
        let vault = try vault()
        var body: [UInt8] = []
        var after: Int64 = 0
        while true {
            let request = BackupLinesRequest(id: context.parameter("id"), after: after, maxBytes: Self.pageBytes)
            let page = try await upstream { try await vault.call(VaultContract.backupLines, request, context.callContext) }
            for line in page.lines {
                body += line.utf8
                body.append(UInt8(ascii: "\n"))
            }
            guard body.count <= Self.maxDownloadBytes else {
                throw RouterError(.payloadTooLarge, "This backup is larger than one download (\(Self.maxDownloadBytes) bytes).")
            }
            guard let next = page.next else { break }
            after = next
        }
        var response = RouteResponse.rawJSON(body)
        response.rawContentType = "application/x-ndjson"
        return response
    }

    @Sendable private func restore(_ body: RestoreBody, _ context: RequestContext) async throws -> RouteResponse {
        let vault = try vault()
        let request = BackupRequest(id: body.backupID)
        return .json(try await upstream { try await vault.call(VaultContract.restore, request, context.callContext) }.json, status: 202)
    }
}

/// `POST /v1/vault/restore`.
struct RestoreBody: RequestBody {
    var backupID = ""

    static let fields: [BodyField<Self>] = [.string("backup_id", \.backupID, length: 1...100)]
}
