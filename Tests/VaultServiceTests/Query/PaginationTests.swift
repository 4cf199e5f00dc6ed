import Contracts
import Foundation
import Testing
@testable import VaultService

@Suite("Vault keyset pagination", .enabled(if: VaultHarness.databaseURL != nil, VaultHarness.disabledReason))
struct PaginationTests {
    /// Every page of `order` (pages of `limit`), following the cursors; `between` runs after each page.
    private func walk(
        _ vault: VaultHarness, order: String?, limit: Int, filters: [(String, String)] = [],
        between: (Int) async throws -> Void = { _ in }
    ) async throws -> [String] {
        var ids: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let page = try await vault.list(filters, order: order, limit: limit, cursor: cursor)
            ids += page.data.map(\.id)
            cursor = page.nextCursor
            pages += 1
            try await between(pages)
        } while cursor != nil && pages < 1000
        return ids
    }

    @Test("multi-key orders (mixed directions, missing fields, ties) page exactly like one big page")
    func orders() async throws {
        let vault = try await VaultHarness()
        try await vault.collection("items")
        let documents = (0..<40).map { index in
            let group = index % 3 == 0 ? "null" : "\(index % 4)"
            let name = index % 5 == 0 ? "" : #","name":"n\#(index % 7)""#
            return #"{"id":"doc\#(String(format: "%02d", index))","data":{"g":\#(group)\#(name),"x":{"y":\#(index % 2)}}}"#
        }
        _ = try await vault.create("[" + documents.joined(separator: ",") + "]")
        for order in ["g.desc,name.asc", "name.desc", "x.y.asc,id.desc", "created_at.asc", "updated_at.desc,g.asc"] {
            let whole = try await vault.list(order: order, limit: 200).data.map(\.id)
            #expect(whole.count == 40)
            for limit in [1, 3, 7] {
                #expect(try await walk(vault, order: order, limit: limit) == whole, "\(order) by \(limit)")
            }
        }
        let filtered = try await walk(vault, order: "g.asc", limit: 4, filters: [("x.y", "eq.1")])
        #expect(filtered.count == 20)
        try await vault.drop()
    }

    @Test("under concurrent inserts and deletes: no duplicates, and every row present throughout is seen")
    func concurrentWrites() async throws {
        let vault = try await VaultHarness()
        try await vault.collection("items")
        let initial = (0..<60).map { #"{"id":"old\#($0)","data":{"rank":\#($0 % 10)}}"# }
        _ = try await vault.create("[" + initial.joined(separator: ",") + "]")
        let stable = Set((0..<60).filter { $0 % 6 != 0 }.map { "old\($0)" })
        // A writer inserting on its own the whole time, besides the inserts and deletes between pages.
        let writer = Task {
            var count = 0
            while !Task.isCancelled, count < 400 {
                _ = try? await vault.create(#"{"data":{"rank":\#(count % 12 - 1)}}"#)
                count += 1
            }
            return count
        }
        for order in [nil, "rank.desc"] as [String?] {
            var added = 0
            let seen = try await walk(vault, order: order, limit: 5) { page in
                // Between pages: insert documents before and after the cursor, and delete a few old ones.
                _ = try await vault.create(#"[{"data":{"rank":-1}},{"data":{"rank":99}}]"#)
                added += 2
                let victim = "old\((page * 6) % 60)"
                try? await vault.store.delete(DocumentRequest(collection: "items", id: victim), caller: VaultHarness.secret())
            }
            #expect(seen.count == Set(seen).count, "duplicates in \(order ?? "default")")
            #expect(stable.isSubset(of: Set(seen)), "skipped rows in \(order ?? "default")")
            #expect(added > 0)
        }
        writer.cancel()
        #expect(await writer.value > 0)
        try await vault.drop()
    }
}
