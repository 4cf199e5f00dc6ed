import Contracts
import Foundation
import Testing
@testable import VaultService

@Suite("Vault rules per operation", .enabled(if: VaultHarness.databaseURL != nil, VaultHarness.disabledReason))
struct RulesTests {
    private static let anonymous = VaultHarness.publishable()
    private static let ana = VaultHarness.publishable(user: "usr_ana")
    private static let bo = VaultHarness.publishable(user: "usr_bo")

    /// Each operation as `caller` on a collection whose every rule is `rule` (document `seed` exists,
    /// owned by Ana): the public error code, or nil when allowed.
    private func outcomes(_ rule: AccessRule, as caller: Caller) async throws -> [String: PublicErrorCode?] {
        let vault = try await VaultHarness()
        try await vault.collection("items", rules: CollectionRules(read: rule, create: rule, update: rule, delete: rule))
        _ = try await vault.create(#"{"id":"seed","data":{"v":1}}"#)
        try await vault.setOwner("seed", "usr_ana")
        let read = await publicError { try await vault.store.document(DocumentRequest(collection: "items", id: "seed"), caller: caller) }
        let list = await publicError { try await vault.list(as: caller) }
        let create = await publicError { try await vault.create(#"{"data":{}}"#, as: caller) }
        let update = await publicError { try await vault.write(.patch, "seed", #"{"data":{"v":2}}"#, as: caller) }
        let put = await publicError { try await vault.write(.replace, "seed", #"{"data":{"v":3}}"#, as: caller) }
        let delete = await publicError { try await vault.store.delete(DocumentRequest(collection: "items", id: "seed"), caller: caller) }
        try await vault.drop()
        return ["read": read?.code, "list": list?.code, "create": create?.code, "update": update?.code, "put": put?.code,
                "delete": delete?.code]
    }

    @Test("none: publishable keys get 403 on everything; the secret key may do everything")
    func none() async throws {
        for caller in [Self.anonymous, Self.ana] {
            let results = try await outcomes(.none, as: caller)
            #expect(results.values.allSatisfy { $0 == .forbidden }, "\(results)")
        }
        #expect(try await outcomes(.none, as: VaultHarness.secret()).values.allSatisfy { $0 == nil })
    }

    @Test("public: any publishable key, signed in or not")
    func publicRule() async throws {
        #expect(try await outcomes(.public, as: Self.anonymous).values.allSatisfy { $0 == nil })
    }

    @Test("authenticated: 401 INVALID_TOKEN without a user; any user may act on any document")
    func authenticated() async throws {
        #expect(try await outcomes(.authenticated, as: Self.anonymous).values.allSatisfy { $0 == .invalidToken })
        #expect(try await outcomes(.authenticated, as: Self.bo).values.allSatisfy { $0 == nil })
    }

    @Test("owner: others' documents look absent (also to PUT); lists are filtered; creations are owned")
    func owner() async throws {
        #expect(try await outcomes(.owner, as: Self.anonymous).values.allSatisfy { $0 == .invalidToken })
        let asBo = try await outcomes(.owner, as: Self.bo)
        #expect(asBo == ["read": .notFound, "list": nil, "create": nil, "update": .notFound, "put": .notFound, "delete": .notFound])
        #expect(try await outcomes(.owner, as: Self.ana).values.allSatisfy { $0 == nil })

        let vault = try await VaultHarness()
        try await vault.collection("notes", rules: CollectionRules(read: .owner, create: .authenticated))
        _ = try await vault.create(#"[{"id":"a1","data":{}},{"id":"a2","data":{}}]"#, in: "notes", as: Self.ana)
        _ = try await vault.create(#"{"id":"b1","data":{}}"#, in: "notes", as: Self.bo)
        #expect(VaultHarness.ids(try await vault.list(in: "notes", order: "id.asc", count: true, as: Self.ana)) == ["a1", "a2"])
        #expect(try await vault.list(in: "notes", count: true, as: Self.bo).total == 1)
        let owned = try await vault.store.document(DocumentRequest(collection: "notes", id: "b1"), caller: VaultHarness.secret())
        #expect(owned.json.contains(#""owner_id":"usr_bo""#))
        try await vault.drop()
    }

    @Test("a rule change applies to the next request")
    func ruleChange() async throws {
        let vault = try await VaultHarness()
        try await vault.collection("items")
        #expect(await publicError { try await vault.list(as: Self.anonymous) }?.code == .forbidden)
        try await vault.store.updateRules(projectID: "prj_a", name: "items", change: CollectionRulesChange(read: .public))
        #expect(try await vault.list(as: Self.anonymous).data.isEmpty)
        try await vault.store.updateRules(projectID: "prj_a", name: "items", change: CollectionRulesChange(delete: .owner))
        #expect(try await vault.store.collection(projectID: "prj_a", name: "items").rules == CollectionRules(read: .public, delete: .owner))
        let managed = await publicError {
            try await vault.handlers.createCollection(CreateCollectionRequest(name: "x"), caller: Self.ana)
        }
        #expect(managed?.code == .forbidden)
        try await vault.drop()
    }
}
