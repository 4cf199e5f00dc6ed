import Contracts
import Foundation
import ServiceKit
import Testing
@testable import VaultService

@Suite("Vault documents: create, batch, merge patch, replace, If-Match, delete", .enabled(if: VaultHarness.databaseURL != nil, VaultHarness.disabledReason))
struct DocumentWriteTests {
    @Test("a collection is created once (409 after), listed with its count, and its tenant schema made lazily")
    func collections() async throws {
        let vault = try await VaultHarness()
        #expect(try await vault.store.tenants.tenant(projectID: "prj_a") == nil)
        let created = try await vault.collection("items", rules: CollectionRules(read: .public))
        #expect(created.name == "items" && created.rules.read == .public && created.rules.create == AccessRule.none)
        let again = await publicError { try await vault.collection("items") }
        #expect(again?.code == .conflict && again?.field == "name")
        let bad = await publicError { try await vault.collection("Items") }
        #expect(bad?.code == .validationFailed && bad?.field == "name")
        let indexed = await publicError {
            try await vault.handlers.createCollection(
                CreateCollectionRequest(name: "idx", indexes: [CollectionIndex(fields: ["a..b"])]), caller: VaultHarness.secret())
        }
        #expect(indexed?.field == "indexes.0.fields.0")
        _ = try await vault.create(#"[{"data":{"a":1}},{"data":{"a":2}}]"#)
        let listed = try await vault.store.collections(projectID: "prj_a")
        #expect(listed.map(\.name) == ["items"] && listed[0].documentCount == 2)
        let tenant = try #require(try await vault.store.tenants.tenant(projectID: "prj_a"))
        #expect(tenant.location == TenantCatalog.schemaName(catalog: vault.catalog, projectID: "prj_a"))
        #expect(tenant.schemaVersion == TenantMigrations.latest && tenant.tier == "shared")
        let view = try await vault.store.tenantView(projectID: "prj_a")
        #expect(view.collections == 1 && view.documents == 2 && view.sizeBytes > 0)
        try await vault.store.deleteCollection(projectID: "prj_a", name: "items")
        #expect(try await vault.store.tenantView(projectID: "prj_a").documents == 0)
        let gone = await publicError { try await vault.store.deleteCollection(projectID: "prj_a", name: "items") }
        #expect(gone?.code == .notFound)
        try await vault.drop()
    }

    @Test("create keeps the client's id and every digit; a taken id is 409 and a batch is all or nothing")
    func createAndBatch() async throws {
        let vault = try await VaultHarness()
        try await vault.collection("items")
        let one = try await vault.create(#"{"id":"a-1","data":{"big":123456789012345678901234567890.000000001,"s":"x"}}"#)
        #expect(one[0].id == "a-1" && one[0].version == 1)
        #expect(one[0].json.contains(#""big": 123456789012345678901234567890.000000001"#))
        #expect(one[0].json.contains(#""owner_id":null"#))
        let generated = try await vault.create(#"{"data":{}}"#)
        #expect(generated[0].id.count == 20)
        let taken = await publicError { try await vault.create(#"[{"id":"b","data":{}},{"id":"a-1","data":{}}]"#) }
        #expect(taken?.code == .conflict && taken?.field == "1.id")
        let missing = await publicError { try await vault.store.document(DocumentRequest(collection: "items", id: "b"), caller: VaultHarness.secret()) }
        #expect(missing?.code == .notFound)
        let badID = await publicError { try await vault.create(#"[{"data":{}},{"id":"no spaces","data":{}}]"#) }
        #expect(badID?.code == .validationFailed && badID?.field == "1.id")
        let notObject = await publicError { try await vault.create(#"{"data":[1]}"#) }
        #expect(notObject?.field == "data")
        let tooMany = "[" + Array(repeating: #"{"data":{}}"#, count: 501).joined(separator: ",") + "]"
        #expect(await publicError { try await vault.create(tooMany) }?.code == .validationFailed)
        let malformed = await publicError { try await vault.create(#"{"data":"#) }
        #expect(malformed?.code == .malformedJSON)
        let huge = #"{"data":{"s":""# + String(repeating: "x", count: VaultLimits.maxDataBytes) + #""}}"#
        #expect(await publicError { try await vault.create(huge) }?.code == .payloadTooLarge)
        let batch = try await vault.create(#"[{"id":"c1","data":{"n":1}},{"id":"c2","data":{"n":2}}]"#)
        #expect(batch.map(\.id) == ["c1", "c2"])
        #expect(try await vault.list().data.count == 4)
        let unknown = await publicError { try await vault.create(#"{"data":{}}"#, in: "nope") }
        #expect(unknown?.code == .notFound)
        try await vault.drop()
    }

    @Test("PATCH is an RFC 7396 merge patch; PUT replaces or creates (201); versions grow; If-Match → 412 with the version")
    func patchPutIfMatch() async throws {
        let vault = try await VaultHarness()
        try await vault.collection("items")
        _ = try await vault.create(#"{"id":"d","data":{"a":{"b":1,"c":2},"keep":true,"drop":1}}"#)
        let patched = try await vault.write(.patch, "d", #"{"data":{"a":{"b":null,"d":[1]},"drop":null,"new":"n"}}"#)
        #expect(patched.document.version == 2 && !patched.created)
        let data = try VaultHarness.data(patched.document)
        #expect((data["a"] as? [String: Any])?.keys.sorted() == ["c", "d"])
        #expect(data["keep"] as? Bool == true && data["drop"] == nil && data["new"] as? String == "n")
        let stale = await publicError { try await vault.write(.patch, "d", #"{"data":{"x":1}}"#, ifMatch: 1) }
        #expect(stale?.code == .versionMismatch && stale?.currentVersion == 2)
        let replaced = try await vault.write(.replace, "d", #"{"data":{"only":1}}"#, ifMatch: 2)
        let replacedKeys = Set(try VaultHarness.data(replaced.document).keys)
        #expect(replaced.document.version == 3 && replacedKeys == ["only"])
        let created = try await vault.write(.replace, "fresh", #"{"data":{"z":0}}"#)
        #expect(created.created && created.document.version == 1)
        #expect(await publicError { try await vault.write(.patch, "absent", #"{"data":{}}"#) }?.code == .notFound)
        #expect(await publicError { try await vault.write(.replace, "absent", #"{"data":{}}"#, ifMatch: 1) }?.code == .versionMismatch)
        let big = String(repeating: "y", count: 600_000)
        _ = try await vault.write(.patch, "d", #"{"data":{"one":"\#(big)"}}"#)
        let tooBig = await publicError { try await vault.write(.patch, "d", #"{"data":{"two":"\#(big)"}}"#) }
        #expect(tooBig?.code == .payloadTooLarge)
        let afterRefusal = try await vault.store.document(DocumentRequest(collection: "items", id: "d"), caller: VaultHarness.secret())
        #expect(afterRefusal.version == 4)
        let wrong = await publicError { try await vault.store.delete(DocumentRequest(collection: "items", id: "d", ifMatch: 3), caller: VaultHarness.secret()) }
        #expect(wrong?.code == .versionMismatch && wrong?.currentVersion == 4)
        try await vault.store.delete(DocumentRequest(collection: "items", id: "d", ifMatch: 4), caller: VaultHarness.secret())
        #expect(await publicError { try await vault.store.delete(DocumentRequest(collection: "items", id: "d"), caller: VaultHarness.secret()) }?.code == .notFound)
        try await vault.drop()
    }

    @Test("two writers with the same If-Match: one wins, the other gets 412")
    func ifMatchRace() async throws {
        let vault = try await VaultHarness()
        try await vault.collection("items")
        _ = try await vault.create(#"{"id":"r","data":{"n":0}}"#)
        for round in 1...10 {
            let version = Int64(round)
            async let first = publicError { try await vault.write(.patch, "r", #"{"data":{"by":"first"}}"#, ifMatch: version) }
            async let second = publicError { try await vault.write(.patch, "r", #"{"data":{"by":"second"}}"#, ifMatch: version) }
            let outcomes = await [first, second]
            #expect(outcomes.filter { $0 == nil }.count == 1)
            #expect(outcomes.compactMap { $0 }.map(\.code) == [.versionMismatch])
        }
        try await vault.drop()
    }
}
