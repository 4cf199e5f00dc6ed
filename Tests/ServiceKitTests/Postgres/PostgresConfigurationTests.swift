import Foundation
import Testing
@testable import ServiceKit

@Suite("PostgreSQL configuration")
struct PostgresConfigurationTests {
    @Test("the URL is parsed by libpq and only a redacted target is ever described")
    func redaction() throws {
        let configuration = try PostgresConfiguration(
            url: "postgres://svc:s3cr%40t@db.internal:6543/identity?sslmode=require"
        )
        #expect(configuration.redactedTarget == "db.internal:6543/identity")
        #expect(!configuration.description.contains("s3cr"))
        #expect(!String(reflecting: configuration).contains("s3cr"))
        var dumped = ""
        dump(configuration, to: &dumped)
        #expect(!dumped.contains("s3cr"))
    }

    @Test("malformed URLs are refused without echoing them")
    func malformed() {
        for url in ["mysql://x@y/z", "postgres://user:pw@[::1/db", "postgres://h/d?nosuchoption=1"] {
            let error = #expect(throws: PostgresError.self) { try PostgresConfiguration(url: url) }
            #expect(error?.code == .invalidConfiguration)
            #expect(error?.description.contains("pw") == false)
        }
    }

    @Test("maxConnections is clamped")
    func clamping() throws {
        var configuration = try PostgresConfiguration(url: "postgres://localhost/db")
        configuration.maxConnections = 0
        #expect(configuration.maxConnections == 1)
        configuration.maxConnections = 1_000_000
        #expect(configuration.maxConnections == 1000)
    }

    @Test("error descriptions carry codes and identifiers, never the server's free text")
    func errorDescription() {
        var error = PostgresError(.server, sqlState: "22P02", serverMessage: "invalid input syntax for type integer: \"secret\"")
        error.detail = "Key (email)=(secret@example.com) already exists."
        #expect(!error.description.contains("secret"))
        #expect(error.description.contains("22P02"))
    }
}
