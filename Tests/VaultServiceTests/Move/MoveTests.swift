import Contracts
import Foundation
import ServiceKit
import Synchronization
import Testing
@testable import PurrpurrTestSupport
@testable import VaultService

/// Whether a second PostgreSQL server can be started (`PURRPURR_TEST_PGBIN`, `PURRPURR_TEST_PGOWNER`).
enum MoveTestEnvironment {
    static let variables = ProcessInfo.processInfo.environment
    static let binDirectory = variables["PURRPURR_TEST_PGBIN"].flatMap { $0.isEmpty ? nil : $0 }
    static let owner = variables["PURRPURR_TEST_PGOWNER"].flatMap { $0.isEmpty ? nil : $0 }
    static var canRun: Bool { binDirectory != nil && owner != nil && VaultHarness.databaseURL != nil }
}

@Suite("Vault online move between tiers", .serialized,
       .enabled(if: MoveTestEnvironment.canRun, "PURRPURR_TEST_DATABASE_URL, PURRPURR_TEST_PGBIN and PURRPURR_TEST_PGOWNER are needed"))
struct MoveTests {
    /// A writer and a reader working on project A until stopped: the writer creates `w<i>` documents and
    /// patches `last` with `i` (each acknowledged one recorded), the reader gets a document and a filtered page.
    final class Load: Sendable {
        let stop = Atomic<Bool>(false)
        let acknowledged = Mutex<[Int]>([])
        let writeFailures = Mutex<[String]>([])
        let readFailures = Mutex<[String]>([])
        let reads = Atomic<Int>(0)

        func run(_ vault: VaultHarness) -> [Task<Void, Never>] {
            let writer = Task {
                var index = 0
                while !self.stop.load(ordering: .relaxed) {
                    do {
                        _ = try await vault.create(#"{"id":"w\#(index)","data":{"n":\#(index),"kind":"load"}}"#)
                        _ = try await vault.write(.patch, "last", #"{"data":{"i":\#(index)}}"#)
                        self.acknowledged.withLock { $0.append(index) }
                    } catch {
                        self.writeFailures.withLock { $0.append("w\(index): \(error)") }
                    }
                    index += 1
                }
            }
            let reader = Task {
                while !self.stop.load(ordering: .relaxed) {
                    do {
                        _ = try await vault.store.document(DocumentRequest(collection: "items", id: "o7"), caller: VaultHarness.secret())
                        _ = try await vault.list([("n", "gte.10")], limit: 5)
                        self.reads.add(1, ordering: .relaxed)
                    } catch {
                        self.readFailures.withLock { $0.append("\(error)") }
                    }
                }
            }
            return [writer, reader]
        }
    }

    private func seed(_ vault: VaultHarness) async throws {
        try await vault.handlers.createCollection(
            CreateCollectionRequest(name: "items", rules: CollectionRules(read: .public), indexes: [CollectionIndex(fields: ["n"])]),
            caller: VaultHarness.secret())
        for start in stride(from: 0, to: 2000, by: 500) {
            let batch = (start..<start + 500).map { #"{"id":"o\#($0)","data":{"n":\#($0),"nested":{"big":123456789012345678901234567890}}}"# }
            _ = try await vault.create("[" + batch.joined(separator: ",") + "]")
        }
        _ = try await vault.create(#"{"id":"last","data":{"i":-1}}"#)
    }

    /// Every document's JSON, by id.
    private func everything(_ vault: VaultHarness) async throws -> [String] {
        var all: [String] = []
        var cursor: String?
        repeat {
            let page = try await vault.list(order: "id.asc", limit: 200, cursor: cursor)
            all += page.data.map(\.json)
            cursor = page.nextCursor
        } while cursor != nil
        return all
    }

    @Test("to a second PostgreSQL server under a write load: zero failed reads, zero lost writes, the pause measured; and back")
    func underLoad() async throws {
        let cluster = try await PrivateCluster.make(
            binDirectory: MoveTestEnvironment.binDirectory ?? "", owner: MoveTestEnvironment.owner ?? "")
        defer { cluster.stop() }
        let vault = try await VaultHarness()
        try await seed(vault)
        let mainSchema = try await vault.store.schema("prj_a")
        let load = Load()
        let tasks = load.run(vault)
        try await Task.sleep(for: .milliseconds(300))

        let mover = TenantMover(store: vault.store, dropGrace: .seconds(1))
        let writesBefore = load.acknowledged.withLock { $0.count }
        _ = try await mover.start(projectID: "prj_a", tier: "dedicated", databaseURL: cluster.url)
        #expect(try await vault.store.tenantView(projectID: "prj_a").move?.state == "copying")
        let moved = await mover.run(projectID: "prj_a")
        let moveAfter = try await vault.store.tenantView(projectID: "prj_a").move
        let pause = try #require(moved, "\(String(describing: moveAfter))")
        let writesDuringMove = load.acknowledged.withLock { $0.count } - writesBefore
        #expect(writesDuringMove > 0, "the load should write while the tenant is copied")
        try await Task.sleep(for: .milliseconds(500))  // writes and reads go on at the new location
        load.stop.store(true, ordering: .relaxed)
        for task in tasks { await task.value }

        let view = try await vault.store.tenantView(projectID: "prj_a")
        print("vault move under load: write pause \(pause) (catalog: \(view.move?.pauseMilliseconds ?? -1) ms), "
              + "\(load.acknowledged.withLock { $0.count }) writes acknowledged (\(writesDuringMove) during the move), "
              + "\(load.reads.load(ordering: .relaxed)) reads")
        #expect(view.tier == "dedicated" && view.move?.state == "completed" && view.move?.pauseMilliseconds != nil)
        #expect(view.move?.target?.contains("\(cluster.port)") == true && view.move?.target?.contains("@") == false)
        #expect(load.readFailures.withLock { $0 }.isEmpty, "\(load.readFailures.withLock { $0.prefix(3) })")
        #expect(load.writeFailures.withLock { $0 }.isEmpty, "\(load.writeFailures.withLock { $0.prefix(3) })")
        let acknowledged = load.acknowledged.withLock { $0 }
        #expect(acknowledged.count > 0)
        // No acknowledged write is lost: each document is there, and `last` holds the last one.
        let ids = Set(try await everything(vault).compactMap { json in
            (try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["id"] as? String
        })
        #expect(acknowledged.allSatisfy { ids.contains("w\($0)") } && ids.count >= 2001 + acknowledged.count)
        let last = try await vault.store.document(DocumentRequest(collection: "items", id: "last"), caller: VaultHarness.secret())
        #expect(try VaultHarness.data(last)["i"] as? Int == acknowledged.last)
        // The rows are on the other server; the source copy goes after the grace.
        let other = PostgresPool(configuration: try PostgresConfiguration(url: cluster.url))
        #expect(try await other.query("SELECT count(*) FROM \(mainSchema).documents")[0].decode(Int64.self, at: 0) == Int64(ids.count))
        await other.close()
        try await Task.sleep(for: .seconds(1.5))
        #expect(try await vault.pool.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [mainSchema]).isEmpty)

        // The API is the same on the dedicated tier: indexes, rules, backups and restore.
        _ = try await vault.handlers.updateCollection(
            UpdateCollectionRequest(name: "items", indexes: [CollectionIndex(fields: ["n"]), CollectionIndex(fields: ["kind", "-n"])]),
            caller: VaultHarness.secret())
        #expect(try await vault.list([("kind", "eq.load")], order: "n.desc", limit: 1).data.first?.id == "w\(acknowledged.last ?? 0)")
        #expect(try await vault.list(limit: 1, as: VaultHarness.publishable()).data.count == 1)
        let before = try await everything(vault)
        let backup = try await vault.store.startBackup(projectID: "prj_a")
        await vault.store.runBackup(id: backup.id, projectID: "prj_a")
        #expect(try await vault.store.backup(id: backup.id, projectID: "prj_a").documents == Int64(before.count))
        try await vault.store.delete(DocumentRequest(collection: "items", id: "o1"), caller: VaultHarness.secret())
        _ = try await vault.store.startRestore(id: backup.id, projectID: "prj_a")
        await vault.store.runRestore(id: backup.id, projectID: "prj_a")
        #expect(try await vault.store.backup(id: backup.id, projectID: "prj_a").restore == "completed")
        #expect(try await everything(vault) == before)

        // And back to the shared tier.
        _ = try await mover.start(projectID: "prj_a", tier: "shared", databaseURL: nil)
        #expect(await mover.run(projectID: "prj_a") != nil)
        #expect(try await vault.store.tenantView(projectID: "prj_a").tier == "shared")
        #expect(try await everything(vault) == before)
        await vault.store.pools.close()
        try await vault.drop()
    }

    @Test("a restart in the middle of a move rolls it back cleanly (default target: a new database on the same server); the next move completes")
    func restartMidMove() async throws {
        let vault = try await VaultHarness()
        try await seed(vault)
        let schema = try await vault.store.schema("prj_a")
        let mover = TenantMover(store: vault.store, dropGrace: .milliseconds(100))
        let target = try #require(try await mover.start(projectID: "prj_a", tier: "dedicated", databaseURL: nil))
        #expect(await mover.run(projectID: "prj_a", stopBeforeSwitch: true) == nil)  // as if the process died here
        let copy = PostgresPool(configuration: try PostgresConfiguration(url: target))
        #expect(try await copy.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]).count == 1)
        #expect(await publicError { try await mover.start(projectID: "prj_a", tier: "dedicated", databaseURL: nil) }?.code == .conflict)
        _ = try await vault.create(#"{"id":"during","data":{"n":-5}}"#)  // the tenant keeps working meanwhile

        try await TenantMover(store: vault.store).recover()  // what a restarted process does first
        let failed = try #require(try await vault.store.tenantView(projectID: "prj_a").move)
        #expect(failed.state == "failed" && failed.error?.contains("restart") == true)
        #expect(try await copy.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]).isEmpty)
        #expect(try await vault.pool.query(
            "SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = 'move_changes'", [schema]).isEmpty)
        #expect(try await vault.pool.query(
            "SELECT 1 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND NOT t.tgisinternal",
            [schema]).isEmpty)
        #expect(try await vault.store.tenantView(projectID: "prj_a").tier == "shared")

        _ = try await mover.start(projectID: "prj_a", tier: "dedicated", databaseURL: nil)
        #expect(await mover.run(projectID: "prj_a") != nil)
        #expect(try await vault.store.tenantView(projectID: "prj_a").tier == "dedicated")
        #expect(try await vault.store.document(DocumentRequest(collection: "items", id: "during"), caller: VaultHarness.secret()).id == "during")
        #expect(try await vault.list(count: true).total == 2002)
        await copy.close()
        await vault.store.pools.close()
        let database = try #require(URLComponents(string: target)?.path.dropFirst())
        try await vault.pool.execute("DROP DATABASE IF EXISTS \(database) WITH (FORCE)")
        try await vault.pool.execute("DROP SCHEMA IF EXISTS \(schema) CASCADE")
        try await vault.pool.execute("DROP SCHEMA \(vault.catalog) CASCADE")
        await vault.pool.close()
    }
}
