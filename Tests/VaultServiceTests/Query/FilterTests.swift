import Contracts
import Foundation
import Testing
@testable import VaultService

@Suite("Vault list filters", .enabled(if: VaultHarness.databaseURL != nil, VaultHarness.disabledReason))
struct FilterTests {
    /// Five documents covering numbers, strings that look like numbers, nesting, null, booleans and a missing field.
    private static let seed = #"""
        [{"id":"a","data":{"n":5,"s":"apple","c":{"city":"Lima"},"flag":true,"t":"9"}},
         {"id":"b","data":{"n":10,"s":"Banana","c":{"city":"Cusco"},"flag":false,"t":"10"}},
         {"id":"c","data":{"n":100,"s":"cherry_pie","c":{"city":"Quito"},"gone":null}},
         {"id":"d","data":{"n":-2.5,"s":"100%","c":{}}},
         {"id":"e","data":{"n":"5","s":"a*b"}}]
        """#

    private func ids(_ vault: VaultHarness, _ filters: [(String, String)]) async throws -> [String] {
        try await vault.list(filters, order: "id.asc").data.map(\.id)
    }

    @Test("every operator, numbers vs text, nested fields, not.", arguments: [
        ("n", "eq.5", ["a"]), ("n", "neq.5", ["b", "c", "d"]), ("n", "gt.5", ["b", "c"]), ("n", "gte.5", ["a", "b", "c"]),
        ("n", "lt.10", ["a", "d"]), ("n", "lte.-2.5", ["d"]), ("n", "eq.5.0", ["a"]), ("n", "gt.1e1", ["c"]),
        ("n", "eq.5x", []), ("t", "gt.5", []), ("t", "gt.1", []),
        ("s", "eq.apple", ["a"]), ("s", "lt.a", ["b", "d"]), ("s", "like.*an*", ["b"]), ("s", "ilike.*AN*", ["b"]),
        ("s", "like.100%", ["d"]), ("s", "like.cherry_*", ["c"]), ("s", "like.a\\*b", []), ("s", "like.a*b", ["e"]),
        ("c.city", "in.(Lima,Cusco)", ["a", "b"]), ("n", "in.(5,100)", ["a", "c"]), ("n", "in.(5,\"5\")", ["a", "e"]),
        ("c.city", "is.null", ["d", "e"]), ("gone", "is.null", ["a", "b", "c", "d", "e"]), ("flag", "is.true", ["a"]),
        ("flag", "is.false", ["b"]), ("flag", "not.is.true", ["b", "c", "d", "e"]), ("c.city", "not.eq.Lima", ["b", "c", "d", "e"]),
        ("c.city", "neq.Lima", ["b", "c"]), ("n", "not.in.(5,10)", ["c", "d", "e"]), ("id", "in.(a,c)", ["a", "c"]),
        ("id", "gt.c", ["d", "e"]), ("id", "like.*", ["a", "b", "c", "d", "e"]), ("created_at", "gt.2000-01-01T00:00:00Z", ["a", "b", "c", "d", "e"]),
        ("updated_at", "lt.2000-01-01T00:00:00.5+02:00", []),
    ] as [(String, String, [String])])
    func operators(field: String, expression: String, expected: [String]) async throws {
        let vault = try await VaultHarness()
        try await vault.collection("items")
        _ = try await vault.create(Self.seed)
        #expect(try await ids(vault, [(field, expression)]) == expected, "\(field)=\(expression)")
        try await vault.drop()
    }

    @Test("filters combine with AND; repeated fields make ranges; count=exact counts every match")
    func combined() async throws {
        let vault = try await VaultHarness()
        try await vault.collection("items")
        _ = try await vault.create(Self.seed)
        #expect(try await ids(vault, [("n", "gte.5"), ("n", "lt.100"), ("s", "neq.apple")]) == ["b"])
        let page = try await vault.list([("n", "gt.0")], order: "id.asc", limit: 1, count: true)
        #expect(page.total == 3 && page.data.map(\.id) == ["a"] && page.nextCursor != nil)
        try await vault.drop()
    }

    @Test("bad operators, values, orders and limits are 400 naming the field", arguments: [
        ("n", "between.1", "n"), ("n", "eq", "n"), ("flag", "is.maybe", "flag"), ("c.city", "in.Lima", "c.city"),
        ("c.city", "in.(\"Lima)", "c.city"), ("a..b", "eq.1", "a..b"), ("", "eq.1", ""), ("created_at", "gt.yesterday", "created_at"),
        ("created_at", "gt.2030-13-45T00:00:00Z", "created_at"), ("created_at", "like.2030*", "created_at"), ("id", "is.true", "id"),
    ] as [(String, String, String)])
    func invalidFilters(field: String, expression: String, reported: String) async throws {
        let vault = try await VaultHarness()
        try await vault.collection("items")
        let error = await publicError { try await vault.list([(field, expression)]) }
        #expect(error?.code == .validationFailed && error?.field == reported, "\(field)=\(expression)")
        try await vault.drop()
    }

    @Test("order, limit and cursor are checked")
    func invalidPaging() async throws {
        let vault = try await VaultHarness()
        try await vault.collection("items")
        for order in ["n", "n.up", "n.asc,", ",n.asc", "a.asc,b.asc,c.asc,d.asc,e.asc,f.asc"] {
            #expect(await publicError { try await vault.list(order: order) }?.field == "order", "\(order)")
        }
        #expect(await publicError { try await vault.list(limit: 0) }?.field == "limit")
        #expect(await publicError { try await vault.list(limit: 201) }?.field == "limit")
        #expect(await publicError { try await vault.list(cursor: "not-a-cursor") }?.field == "cursor")
        let forged = ListCursor(order: "created_at.asc", values: ["not a time"], id: "x").encoded
        #expect(await publicError { try await vault.list(cursor: forged) }?.field == "cursor")
        let otherOrder = ListCursor(order: "n.asc", values: ["1"], id: "x").encoded
        #expect(await publicError { try await vault.list(cursor: otherOrder) }?.field == "cursor")
        try await vault.drop()
    }
}
