import Contracts
import Foundation
import Testing
@testable import VaultService

@Suite("Vault hostile input", .enabled(if: VaultHarness.databaseURL != nil, VaultHarness.disabledReason))
struct HostileInputTests {
    @Test("field names with quotes, dots, SQL and unicode are only parameters: they match data, never run")
    func hostileFieldNames() async throws {
        let vault = try await VaultHarness()
        try await vault.collection("items")
        let body = #"{"id":"h","data":{"a'b":1,"x\"); DROP TABLE documents; --":"y","ünï":{"κ":2},"p{q}":"r"}}"#
        _ = try await vault.create(body)
        for (field, expression) in [
            ("a'b", "eq.1"), (#"x"); DROP TABLE documents; --"#, "eq.y"), ("ünï.κ", "gte.2"), ("p{q}", "eq.r"),
        ] {
            #expect(VaultHarness.ids(try await vault.list([(field, expression)])) == ["h"], "\(field)")
        }
        #expect(try await vault.list([("x", "eq.'; DROP SCHEMA public; --")]).data.isEmpty)
        #expect(try await vault.list([("a'b", "in.(\"1'); --\",1)")]).data.count == 1)
        #expect(try await vault.list(order: "a'b.desc,x\"y.asc").data.count == 1)
        #expect(try await vault.list([("s", "like.%_\\")]).data.isEmpty)
        try await vault.drop()
    }

    @Test("deep JSON (1,000 levels), huge numbers, NUL and odd keys are stored exactly or refused with a clear error")
    func hostileBodies() async throws {
        let vault = try await VaultHarness()
        try await vault.collection("items")
        let deep = String(repeating: #"{"a":"#, count: 1000) + "1" + String(repeating: "}", count: 1000)
        let stored: [DocumentView]
        do { stored = try await vault.create(#"{"id":"deep","data":\#(deep)}"#) } catch { Issue.record("\(PublicError.from(error)?.message ?? "\(error)")"); throw error }
        #expect(stored[0].json.count > 5000)
        let path = Array(repeating: "a", count: 1000).joined(separator: ".")
        #expect(await publicError { try await vault.list([(path, "eq.1")]) }?.field == path)
        let reachable = Array(repeating: "a", count: 200).joined(separator: ".")
        #expect(VaultHarness.ids(try await vault.list([(reachable, "not.is.null")])) == ["deep"])
        // A merge patch recurses as deep as patch and target are both objects: past PostgreSQL's stack it is
        // a clear 400 and nothing changes; a replacement of the same depth is fine.
        let tooDeep = await publicError { try await vault.write(.patch, "deep", #"{"data":\#(deep)}"#) }
        #expect(tooDeep?.code == .validationFailed && tooDeep?.field == "data")
        let replaced = try await vault.write(.replace, "deep", #"{"data":\#(deep)}"#)
        #expect(replaced.document.version == 2)
        let huge = "1" + String(repeating: "0", count: 400) + ".5"
        let numbers = try await vault.create(#"{"id":"num","data":{"h":\#(huge),"e":1e300,"neg":-0.000000000000000000001}}"#)
        #expect(numbers[0].json.contains(huge))
        #expect(VaultHarness.ids(try await vault.list([("h", "gt.1e399")])) == ["num"])
        #expect(try await vault.list([("h", "gt.1e401")]).data.isEmpty)
        #expect(try await vault.list([("h", "gt.1e100000")]).data.isEmpty)
        let nul = await publicError { try await vault.create(#"{"data":{"s":"a\u0000b"}}"#) }
        #expect(nul?.code == .validationFailed && nul?.field == "data")
        let garbage = await publicError { try await vault.create("{\"data\":{\"s\":\"\u{1}\"}") }
        #expect(garbage?.code == .malformedJSON)
        #expect(await publicError { try await vault.create("") }?.code == .malformedJSON)
        #expect(await publicError { try await vault.create("null") }?.code == .validationFailed)
        #expect(await publicError { try await vault.create("[]") }?.code == .validationFailed)
        try await vault.drop()
    }
}
