import Contracts
import Foundation
import ServiceKit
import Synchronization
import Testing
@testable import VaultService

@Suite("Vault backups and restore", .enabled(if: VaultHarness.databaseURL != nil, VaultHarness.disabledReason))
struct BackupRestoreTests {
    /// Everything a restore must bring back: each collection (name, rules, indexes, creation) and each
    /// document's whole JSON, and the tenant's physical indexes.
    private static func state(_ vault: VaultHarness, _ project: String = "prj_a") async throws -> [String] {
        var lines: [String] = []
        for collection in try await vault.store.collections(projectID: project) {
            lines.append("\(collection.name) \(collection.rules) \(collection.indexes) \(collection.createdAt.timeIntervalSince1970)")
            var cursor: String?
            repeat {
                let page = try await vault.list(in: collection.name, order: "id.asc", limit: 200, cursor: cursor, as: VaultHarness.secret(project))
                lines += page.data.map(\.json)
                cursor = page.nextCursor
            } while cursor != nil
            let schema = try await vault.store.schema(project)
            lines += try await vault.store.physicalIndexes(schema: schema, collection: collection.name).keys.sorted()
        }
        return lines
    }

    /// The backup's NDJSON, read in pages of at most `maxBytes`.
    private static func download(_ vault: VaultHarness, _ id: String, maxBytes: Int = 300) async throws -> [String] {
        var lines: [String] = []
        var after: Int64 = 0
        while true {
            let page = try await vault.store.backupLines(BackupLinesRequest(id: id, after: after, maxBytes: maxBytes), projectID: "prj_a")
            lines += page.lines
            guard let next = page.next else { return lines }
            after = next
        }
    }

    @Test("backup → change → restore → equal, and another project keeps working meanwhile")
    func roundTrip() async throws {
        let vault = try await VaultHarness()
        try await vault.handlers.createCollection(
            CreateCollectionRequest(name: "orders", rules: CollectionRules(read: .public), indexes: [CollectionIndex(fields: ["status"])]),
            caller: VaultHarness.secret())
        try await vault.collection("notes")
        try await vault.collection("theirs", project: "prj_b")
        _ = try await vault.create(#"[{"id":"o1","data":{"status":"paid","n":123456789012345678901234567890.5}},{"id":"o2","data":{"status":"new","deep":{"a":[1,{"b":null}]}}}]"#, in: "orders")
        _ = try await vault.create(#"{"id":"n1","data":{"text":"quote \" and \\ and ñ"}}"#, in: "notes")
        _ = try await vault.write(.patch, "o1", #"{"data":{"status":"shipped"}}"#, in: "orders")
        let before = try await Self.state(vault)

        let started = try await vault.store.startBackup(projectID: "prj_a")
        #expect(started.status == "running")
        await vault.store.runBackup(id: started.id, projectID: "prj_a")
        let backup = try await vault.store.backup(id: started.id, projectID: "prj_a")
        #expect(backup.status == "completed" && backup.documents == 3 && backup.completedAt != nil && backup.restore == nil)
        let lines = try await Self.download(vault, started.id)
        #expect(lines.count == 5 && backup.sizeBytes == Int64(lines.map { $0.utf8.count + 1 }.reduce(0, +)))
        let parsed = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(parsed.map { $0["type"] as? String } == ["collection", "collection", "document", "document", "document"])
        #expect((parsed[2]["collection"] as? String) == "notes" && (parsed[3]["document"] as? [String: Any])?["version"] as? Int == 2)
        #expect(lines[3].contains("123456789012345678901234567890.5"))
        #expect(try await vault.store.backups(projectID: "prj_a").map(\.id) == [started.id])
        #expect(try await vault.store.backups(projectID: "prj_b").isEmpty)
        #expect(await publicError { try await vault.store.backup(id: started.id, projectID: "prj_b") }?.code == .notFound)

        // Change everything a restore must undo.
        _ = try await vault.write(.replace, "o2", #"{"data":{"status":"gone"}}"#, in: "orders")
        try await vault.store.delete(DocumentRequest(collection: "orders", id: "o1"), caller: VaultHarness.secret())
        _ = try await vault.create(#"{"id":"o3","data":{}}"#, in: "orders")
        try await vault.handlers.deleteCollection("notes", caller: VaultHarness.secret())
        try await vault.handlers.createCollection(
            CreateCollectionRequest(name: "extra", indexes: [CollectionIndex(fields: ["x"], unique: true)]), caller: VaultHarness.secret())
        _ = try await vault.handlers.updateCollection(
            UpdateCollectionRequest(name: "orders", rules: CollectionRulesChange(read: .owner), indexes: [CollectionIndex(fields: ["-n"])]),
            caller: VaultHarness.secret())
        #expect(try await Self.state(vault) != before)

        // Restore while project B writes.
        let running = try await vault.store.startRestore(id: started.id, projectID: "prj_a")
        #expect(running.restore == "running")
        #expect(await publicError { try await vault.store.startRestore(id: started.id, projectID: "prj_a") }?.code == .conflict)
        let writer = Task {
            for index in 0..<30 { _ = try await vault.create(#"{"id":"b\#(index)","data":{}}"#, in: "theirs", as: VaultHarness.secret("prj_b")) }
        }
        await vault.store.runRestore(id: started.id, projectID: "prj_a")
        try await writer.value
        #expect(try await vault.store.backup(id: started.id, projectID: "prj_a").restore == "completed")
        #expect(try await Self.state(vault) == before)
        #expect(try await vault.list(in: "theirs", count: true, as: VaultHarness.secret("prj_b")).total == 30)
        // The restored index is used again, and writes go on after.
        _ = try await vault.create(#"{"id":"o4","data":{"status":"paid"}}"#, in: "orders")
        #expect(try await vault.list([("status", "eq.paid")], in: "orders").data.map(\.id) == ["o4"])
        try await vault.drop()
    }

    @Test("a backup is one snapshot: batches written during it are in it whole or not at all")
    func consistent() async throws {
        let vault = try await VaultHarness()
        try await vault.collection("pairs")
        let stop = Atomic<Bool>(false)
        let writer = Task {
            var index = 0
            while !stop.load(ordering: .relaxed) {
                _ = try await vault.create(#"[{"id":"p\#(index)a","data":{}},{"id":"p\#(index)b","data":{}}]"#, in: "pairs")
                index += 1
            }
            return index
        }
        try await Task.sleep(for: .milliseconds(200))
        let backup = try await vault.store.startBackup(projectID: "prj_a")
        await vault.store.runBackup(id: backup.id, projectID: "prj_a")
        stop.store(true, ordering: .relaxed)
        let written = try await writer.value
        let ids = try await Self.download(vault, backup.id, maxBytes: 1 << 20).dropFirst().map { line in
            try #require((try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["document"] as? [String: Any])["id"] as! String
        }
        #expect(ids.count % 2 == 0 && ids.count > 0 && ids.count < written * 2 + 2)
        let set = Set(ids)
        #expect(ids.allSatisfy { set.contains(String($0.dropLast()) + ($0.hasSuffix("a") ? "b" : "a")) })
        try await vault.drop()
    }

    @Test("a job whose process died reads failed; a backup of a project without a vault is empty; only completed backups restore")
    func abandoned() async throws {
        let vault = try await VaultHarness()
        let empty = try await vault.store.startBackup(projectID: "prj_a")
        await vault.store.runBackup(id: empty.id, projectID: "prj_a")
        let done = try await vault.store.backup(id: empty.id, projectID: "prj_a")
        #expect(done.status == "completed" && done.documents == 0 && done.sizeBytes == 0)
        let dead = try await vault.store.startBackup(projectID: "prj_a")
        #expect(try await vault.store.backup(id: dead.id, projectID: "prj_a").status == "running")  // just started: alive
        try await vault.pool.execute("UPDATE \(vault.catalog).backups SET created_at = now() - interval '2 minutes' WHERE id = $1", [dead.id])
        #expect(try await vault.store.backup(id: dead.id, projectID: "prj_a").status == "failed")
        #expect(await publicError { try await vault.store.startRestore(id: dead.id, projectID: "prj_a") }?.code == .conflict)
        #expect(await publicError { try await vault.store.backupLines(BackupLinesRequest(id: dead.id, after: 0, maxBytes: 10), projectID: "prj_a") }?.code == .conflict)
        // Restoring the empty backup empties the vault.
        try await vault.collection("items")
        _ = try await vault.store.startRestore(id: empty.id, projectID: "prj_a")
        await vault.store.runRestore(id: empty.id, projectID: "prj_a")
        #expect(try await vault.store.collections(projectID: "prj_a").isEmpty)
        try await vault.drop()
    }
}
