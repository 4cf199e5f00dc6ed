import Contracts
import Foundation
import Synchronization
import Wire

/// An in-memory VaultService for Router tests: records each call's request and context and answers
/// canned documents. `If-Match: "1"` is stale (412, current 2); collection `nope` is `NOT_FOUND`;
/// a publishable key without a user is 401 on collection `users` (as its `authenticated` rules would).
final class FakeVault: Sendable {
    /// One recorded call.
    struct Call: Sendable {
        let method: String
        let request: any Sendable
        let context: CallContext
    }

    static let document = DocumentView(
        id: "d1", version: 7,
        json: #"{"id":"d1","version":7,"owner_id":null,"created_at":"2030-01-01T00:00:00.000000Z","updated_at":"2030-01-01T00:00:00.000000Z","data":{"n":12345678901234567890123}}"#)

    private let state = Mutex([Call]())

    /// The calls so far.
    var calls: [Call] { state.withLock { $0 } }

    private func record(_ method: String, _ request: any Sendable, _ context: CallContext, collection: String) throws {
        state.withLock { $0.append(Call(method: method, request: request, context: context)) }
        if collection == "nope" { throw PublicError.notFound("No such collection.") }
        if collection == "users", context.keyKind != "secret", context.subject == nil {
            throw PublicError(.invalidToken, "Sign in.")
        }
    }

    /// Registers every vault method on `server`.
    func register(on server: WireServer) {
        let collection = CollectionView(name: "items", indexes: [], rules: CollectionRules(read: .public), documentCount: 3,
                                        createdAt: Date(timeIntervalSince1970: 1_900_000_000))
        server.register(VaultContract.createCollection) { request, context in
            try self.record("CreateCollection", request, context, collection: request.name)
            return collection
        }
        server.register(VaultContract.listCollections) { request, context in
            try self.record("ListCollections", request, context, collection: "")
            return Page(data: [collection], nextCursor: nil)
        }
        server.register(VaultContract.getCollection) { request, context in
            try self.record("GetCollection", request, context, collection: request.name)
            return collection
        }
        server.register(VaultContract.updateCollection) { request, context in
            try self.record("UpdateCollection", request, context, collection: request.name)
            var updated = collection
            updated.rules = request.rules?.applied(to: collection.rules) ?? collection.rules
            return updated
        }
        server.register(VaultContract.deleteCollection) { request, context in
            try self.record("DeleteCollection", request, context, collection: request.name)
            return Empty()
        }
        server.register(VaultContract.createDocuments) { request, context in
            try self.record("CreateDocuments", request, context, collection: request.collection)
            let batch = request.body.hasPrefix("[")
            return CreatedDocuments(documents: batch ? [Self.document, Self.document] : [Self.document], batch: batch)
        }
        server.register(VaultContract.listDocuments) { request, context in
            try self.record("ListDocuments", request, context, collection: request.collection)
            return DocumentPage(data: [Self.document], nextCursor: "c2", total: request.countExact ? 41 : nil)
        }
        server.register(VaultContract.getDocument) { request, context in
            try self.record("GetDocument", request, context, collection: request.collection)
            return Self.document
        }
        server.register(VaultContract.writeDocument) { request, context in
            try self.record("WriteDocument", request, context, collection: request.document.collection)
            if request.document.ifMatch == 1 { throw PublicError(.versionMismatch, "Changed.", currentVersion: 2) }
            return WrittenDocument(document: Self.document, created: request.document.id == "new")
        }
        server.register(VaultContract.deleteDocument) { request, context in
            try self.record("DeleteDocument", request, context, collection: request.collection)
            return Empty()
        }
        server.register(VaultContract.tenant) { request, context in
            try self.record("Tenant", request, context, collection: "")
            return TenantView(tier: "shared", location: "vault_t_ab", schemaVersion: 1, collections: 1, documents: 3, sizeBytes: 8192)
        }
        server.register(VaultContract.move) { request, context in
            try self.record("Move", request, context, collection: "")
            return TenantView(
                tier: "shared", location: "vault_t_ab", schemaVersion: 1, collections: 1, documents: 3, sizeBytes: 8192,
                move: TenantMoveView(state: "copying", tier: request.tier, target: "127.0.0.1:5432/vault_t_ab",
                                     startedAt: Date(timeIntervalSince1970: 1_900_000_000), finishedAt: nil, pauseMilliseconds: nil, error: nil))
        }
        // Backup `bkp_small` is one page, `bkp_big` three pages of two lines (after 0, 2, 4), `bkp_broken`
        // fails on its second page, `bkp_running` is not completed.
        server.register(VaultContract.backupLines) { request, context in
            try self.record("BackupLines", request, context, collection: "")
            switch (request.id, request.after) {
            case ("bkp_small", 0): return BackupLines(lines: [#"{"type":"collection"}"#], next: nil)
            case ("bkp_big", let after) where after < 6:
                return BackupLines(lines: ["{\"line\":\(after + 1)}", "{\"line\":\(after + 2)}"], next: after + 2 < 6 ? after + 2 : nil)
            case ("bkp_broken", 0): return BackupLines(lines: ["{}"], next: 1)
            case ("bkp_running", _): throw PublicError.conflict("The backup is running; only a completed one can be downloaded.", field: nil)
            default: throw PublicError.notFound("No such backup.")
            }
        }
        server.register(VaultContract.migrations) { request, context in
            try self.record("Migrations", request, context, collection: "")
            return VaultMigrationsView(
                latest: 2, applied: 3, pending: 1, failed: 1, failures: [.init(projectID: "prj_x", version: 2, error: "42P07: exists")])
        }
    }
}
