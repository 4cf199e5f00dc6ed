import Contracts
import Foundation
import Synchronization
import Wire

/// `/v1/vault/backups…` and `/v1/vault/restore` (secret key), forwarded to VaultService over Wire.
///
/// The download is NDJSON (`application/x-ndjson`), read from VaultService page by page over Wire (at most
/// 4 MiB a call) and streamed chunked when it is longer than one page, so its size is not bounded by the
/// Router's memory.
struct VaultBackupRoutes {
    /// VaultService's client.
    let vault: @Sendable () throws -> VaultContract.Client

    /// How long one page's Wire call may take while a download streams.
    static let pageDeadline: Duration = .seconds(30)
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

    /// The NDJSON. The first page is read before answering, so an unknown or unfinished backup is a JSON error;
    /// a backup of one page goes whole (`Content-Length`), a longer one chunked, page by page over Wire as the
    /// client reads it — never held whole in the Router (``HTTPBodyStream``).
    @Sendable private func download(_ context: RequestContext) async throws -> RouteResponse {
        let vault = try vault()
        let id = context.parameter("id")
        let request = BackupLinesRequest(id: id, after: 0, maxBytes: Self.pageBytes)
        let first = try await upstream { try await vault.call(VaultContract.backupLines, request, context.callContext) }
        var response: RouteResponse
        if let after = first.next {
            response = RouteResponse(status: 200, body: nil)
            response.stream = Self.pages(after: after, first: Self.ndjson(first.lines), id: id, vault: vault, call: context.callContext)
        } else {
            response = .rawJSON(Self.ndjson(first.lines))
        }
        response.rawContentType = "application/x-ndjson"
        return response
    }

    /// The rest of a download: `first`, then each page after line `after`, each Wire call with its own deadline
    /// (a large backup may take longer than any one route deadline to read).
    static func pages(
        after: Int64, first: [UInt8], id: String, vault: VaultContract.Client, call: CallContext
    ) -> HTTPBodyStream {
        let state = Mutex<(pending: [UInt8]?, after: Int64?)>((first, after))
        return HTTPBodyStream {
            let (pending, after) = state.withLock { state in
                defer { state.pending = nil }
                return (state.pending, state.after)
            }
            if let pending { return pending }
            guard let after else { return nil }
            var context = call
            context.deadline = .now + Self.pageDeadline
            let page = try await vault.call(
                VaultContract.backupLines, BackupLinesRequest(id: id, after: after, maxBytes: Self.pageBytes), context)
            state.withLock { $0.after = page.next }
            return Self.ndjson(page.lines)
        }
    }

    /// Lines, each followed by a newline.
    static func ndjson(_ lines: [String]) -> [UInt8] {
        var body: [UInt8] = []
        body.reserveCapacity(lines.reduce(0) { $0 + $1.utf8.count + 1 })
        for line in lines {
            body += line.utf8
            body.append(UInt8(ascii: "\n"))
        }
        return body
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
