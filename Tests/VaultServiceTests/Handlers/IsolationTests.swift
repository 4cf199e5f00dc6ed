import Contracts
import Foundation
import Testing
import Wire
@testable import VaultService

@Suite("Vault isolation between projects", .enabled(if: VaultHarness.databaseURL != nil, VaultHarness.disabledReason))
struct IsolationTests {
    /// Every vault method, called through its Wire handler body as project B on A's names and ids.
    private static let operations: [(name: String, run: @Sendable (VaultHarness, Caller) async throws -> Void)] = [
        ("GetCollection", { vault, caller in _ = try await vault.handlers.getCollection("secret_stuff", caller: caller) }),
        ("UpdateCollection", { vault, caller in
            _ = try await vault.handlers.updateCollection(
                UpdateCollectionRequest(name: "secret_stuff", rules: CollectionRulesChange(read: .public)), caller: caller)
        }),
        ("DeleteCollection", { vault, caller in try await vault.handlers.deleteCollection("secret_stuff", caller: caller) }),
        ("CreateDocuments", { vault, caller in _ = try await vault.create(#"{"id":"x","data":{}}"#, in: "secret_stuff", as: caller) }),
        ("ListDocuments", { vault, caller in _ = try await vault.list(in: "secret_stuff", as: caller) }),
        ("GetDocument", { vault, caller in
            _ = try await vault.store.document(DocumentRequest(collection: "secret_stuff", id: "doc_a"), caller: caller)
        }),
        ("PatchDocument", { vault, caller in _ = try await vault.write(.patch, "doc_a", #"{"data":{"p":1}}"#, in: "secret_stuff", as: caller) }),
        ("PutDocument", { vault, caller in _ = try await vault.write(.replace, "doc_a", #"{"data":{"p":1}}"#, in: "secret_stuff", as: caller) }),
        ("DeleteDocument", { vault, caller in
            try await vault.store.delete(DocumentRequest(collection: "secret_stuff", id: "doc_a"), caller: caller)
        }),
        ("GetBackup", { vault, caller in
            guard caller.isSecret else { throw PublicError(.forbidden, "secret only") }  // the Router's .secretKey
            _ = try await vault.store.backup(id: try await backupOfA(vault), projectID: caller.projectID)
        }),
        ("BackupLines", { vault, caller in
            guard caller.isSecret else { throw PublicError(.forbidden, "secret only") }
            _ = try await vault.store.backupLines(
                BackupLinesRequest(id: try await backupOfA(vault), after: 0, maxBytes: 1000), projectID: caller.projectID)
        }),
        ("Restore", { vault, caller in
            guard caller.isSecret else { throw PublicError(.forbidden, "secret only") }
            _ = try await vault.store.startRestore(id: try await backupOfA(vault), projectID: caller.projectID)
        }),
    ]

    /// Project A's completed backup.
    private static func backupOfA(_ vault: VaultHarness) async throws -> String {
        try await vault.store.backups(projectID: "prj_a").first { $0.status == "completed" }!.id
    }

    @Test("project B's keys never see, change or learn of A's collections and documents: 404 on every method")
    func everyMethod() async throws {
        let vault = try await VaultHarness()
        try await vault.collection("secret_stuff", project: "prj_a", rules: CollectionRules(read: .public, create: .public, update: .public, delete: .public))
        _ = try await vault.create(#"{"id":"doc_a","data":{"owner":"A"}}"#, in: "secret_stuff", as: VaultHarness.secret("prj_a"))
        let backup = try await vault.store.startBackup(projectID: "prj_a")
        await vault.store.runBackup(id: backup.id, projectID: "prj_a")
        // B before it has any tenant schema, then after it made one of its own (with another collection).
        for setUp in [false, true] {
            if setUp { try await vault.collection("mine", project: "prj_b") }
            for caller in [VaultHarness.secret("prj_b"), VaultHarness.publishable("prj_b", user: "usr_1")] {
                for operation in Self.operations {
                    let error = await publicError { try await operation.run(vault, caller) }
                    let secretOnly = operation.name.contains("Collection") || operation.name.contains("Backup") || operation.name == "Restore"
                    let expected: PublicErrorCode = !caller.isSecret && secretOnly ? .forbidden : .notFound
                    #expect(error?.code == expected, "\(operation.name) as \(caller)")
                }
            }
            #expect(try await vault.store.collections(projectID: "prj_b").map(\.name) == (setUp ? ["mine"] : []))
        }
        let a = try await vault.store.document(DocumentRequest(collection: "secret_stuff", id: "doc_a"), caller: VaultHarness.secret("prj_a"))
        #expect(a.version == 1 && a.json.contains(#""owner": "A""#))
        let collection = try await vault.store.collection(projectID: "prj_a", name: "secret_stuff")
        #expect(collection.documentCount == 1 && collection.rules.read == .public)
        // The same names in B are B's own.
        try await vault.collection("secret_stuff", project: "prj_b")
        _ = try await vault.create(#"{"id":"doc_a","data":{"owner":"B"}}"#, in: "secret_stuff", as: VaultHarness.secret("prj_b"))
        let b = try await vault.store.document(DocumentRequest(collection: "secret_stuff", id: "doc_a"), caller: VaultHarness.secret("prj_b"))
        #expect(b.json.contains(#""owner": "B""#))
        #expect(try await vault.store.tenantView(projectID: "prj_a").documents == 1)
        #expect(try await vault.store.backup(id: backup.id, projectID: "prj_a").restore == nil)
        #expect(try await vault.store.backups(projectID: "prj_b").isEmpty)
        #expect(try await vault.store.tenantView(projectID: "prj_a").location != (try await vault.store.tenantView(projectID: "prj_b").location))
        try await vault.drop()
    }

    @Test("a call without a project is refused")
    func noProject() throws {
        #expect(throws: WireError.self) { try Caller(CallContext(requestID: "r", keyKind: "secret")) }
        #expect(try Caller(CallContext(requestID: "r", projectID: "p")).isSecret == false)
    }
}
