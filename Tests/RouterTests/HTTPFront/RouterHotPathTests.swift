import Foundation
import Testing
import Wire

@testable import Router

/// The per-request pieces rewritten for speed behave as the slower code they replaced.
@Suite("Router hot path")
struct RouterHotPathTests {
    @Test(arguments: [
        "", "plain", "quote \" backslash \\ slash /", "tab\tnew\nline\rreturn", "\u{0}\u{1}\u{1F}\u{7F}",
        "héllo wörld 😺 日本", "\r\n", "x\u{8}y\u{C}z",
    ])
    func jsonStringsMatchTheSharedEscaper(text: String) {
        #expect(JSONValue.string(text).serialized == HTTPResponse.jsonString(text))
        #expect(JSONValue.string(text).serializedBytes == Array(HTTPResponse.jsonString(text).utf8))
    }

    @Test func jsonDocumentsSerializeCompactly() {
        let value: JSONValue = [
            "a": 1, "b": [true, false, .null], "c": .int(Int.min), "d": .int(Int.max), "e": .int(-42), "f": .int(0),
            "g": .double(1.5), "h": .double(.infinity), "i": [:], "j": [], "k\"": "v",
        ]
        #expect(value.serialized == #"{"a":1,"b":[true,false,null],"c":-9223372036854775808,"d":9223372036854775807,"e":-42,"f":0,"g":1.5,"h":null,"i":{},"j":[],"k\"":"v"}"#)
        let response = HTTPResponse.jsonBody(value, status: .created)
        #expect(response.status.code == 201)
        #expect(response.headers["Content-Type"] == "application/json; charset=utf-8")
        #expect(response.body == value.serializedBytes)
    }

    @Test func generatedRequestIDsAreFreshBase62() {
        var seen = Set<String>()
        for _ in 0..<2000 {
            let id = RequestID.generate()
            #expect(id.hasPrefix("req_"))
            #expect(id.utf8.count == 4 + RequestID.randomLength)
            #expect(id.utf8.dropFirst(4).allSatisfy(APIKey.Base62.isDigit))
            seen.insert(id)
        }
        #expect(seen.count == 2000)
        #expect(RequestID.resolve("client-id-1") == "client-id-1")
        #expect(RequestID.resolve("bad id").hasPrefix("req_"))
    }

    @Test func routeTableMatchesOnBytes() throws {
        let table = try RouterTables.documented()
        let (jwks, none) = try table.match(method: .get, path: "/v1/auth/jwks")
        #expect(jwks.route.path.text == "/v1/auth/jwks")
        #expect(none.isEmpty)
        let (trailing, _) = try table.match(method: .head, path: "/v1/auth/jwks/")
        #expect(trailing === jwks)
        #expect(throws: RouterError.self) { try table.match(method: .get, path: "/v1/auth/jwkz") }
        #expect(throws: RouterError.self) { try table.match(method: .get, path: "") }
        #expect(throws: RouterError.self) { try table.match(method: .get, path: "/v1//jwks") }
        let parameterized = try #require(table.routes.first { !$0.path.parameterNames.isEmpty })
        let concrete = parameterized.path.segments.map { segment -> String in
            switch segment {
            case .literal(let text): text
            case .parameter: "ünï%20"
            }
        }
        let (found, parameters) = try table.match(method: parameterized.method, path: "/" + concrete.joined(separator: "/"))
        #expect(found.route.path == parameterized.path)
        #expect(Set(parameters.keys) == Set(parameterized.path.parameterNames))
        #expect(parameters.values.allSatisfy { $0 == "ünï%20" })
    }

    @Test func deadlineReturnsTheResultWhenTheBodyIsFaster() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        let loop = group.loops[0]
        let value = try await RouteDeadline.run(.seconds(5), on: loop) { 7 }
        #expect(value == 7)
        await #expect(throws: RouterError.self) {
            _ = try await RouteDeadline.run(.seconds(5), on: loop) { () async throws -> Int in throw RouterError.notFound }
        }
        #expect(!Task.isCancelled)
        await group.shutdownGracefully()
    }

    @Test func deadlineCancelsTheBodyAndReportsTheTimeout() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        let loop = group.loops[0]
        let start = ContinuousClock.now
        let outcome = try await Task {
            try await RouteDeadline.run(.milliseconds(50), on: loop) { () async throws -> String in
                do {
                    try await Task.sleep(for: .seconds(10))
                } catch {
                    return "cancelled"  // a handler that swallows the cancellation still times out
                }
                return "slept"
            }
        }.value
        #expect(outcome == nil)
        #expect(ContinuousClock.now - start < .seconds(5))
        await group.shutdownGracefully()
    }
}
