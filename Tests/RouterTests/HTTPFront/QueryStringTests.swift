import Testing
import Wire
@testable import Router

/// The Router's one query-string rule (`HTTPRequest.queryParameter(_:)`).
@Suite("Query string")
struct QueryStringTests {
    private func value(_ target: String, _ name: String) throws(RouterError) -> String? {
        try HTTPRequest(method: .get, target: target).queryParameter(name)
    }

    @Test("last value wins; + is a space; escapes decode in names and values; absent is nil, bare is empty")
    func rule() throws {
        #expect(try value("/x?status=sent&status=failed", "status") == "failed")
        #expect(try value("/x?q=a+b%20c", "q") == "a b c")
        #expect(try value("/x?gr%61nt_type=password", "grant_type") == "password")
        #expect(try value("/x?cursor", "cursor") == "")
        #expect(try value("/x?cursor=", "cursor") == "")
        #expect(try value("/x?a=1&&b=2", "b") == "2")
        #expect(try value("/x", "a") == nil)
        #expect(try value("/x?", "a") == nil)
        #expect(try value("/x?ab=1", "a") == nil)
        #expect(try value("/x?q=%C3%A9", "q") == "é")
    }

    @Test("a malformed escape or bytes that are not UTF-8 in a parameter read are 400 naming it; others are ignored")
    func malformed() throws {
        for target in ["/x?limit=%zz", "/x?limit=%4", "/x?limit=%FF", "/x?limit=1&limit=%C3"] {
            do {
                _ = try value(target, "limit")
                Issue.record("\(target) was accepted")
            } catch {
                #expect(error.code == "VALIDATION_FAILED" && error.status == 400)
                #expect(error.context.first?.0 == "field" && error.context.first?.1 == .string("limit"))
            }
        }
        #expect(try value("/x?other=%zz&limit=5", "limit") == "5")
    }
}
