import Contracts
import Testing
import Wire
@testable import ServiceKit

/// An unavailable database is a retryable public 503, anything else an internal error with no details.
@Suite("PostgresError: unavailable database")
struct PostgresErrorUnavailableTests {
    @Test("connection failures, pool waits and the server's shutdown, start-up and slot states are unavailable",
          arguments: [
              PostgresError(.connectionFailed), PostgresError(.connectionLost), PostgresError(.poolTimeout),
              PostgresError(.poolClosed), PostgresError(.server, sqlState: "57P01"),
              PostgresError(.server, sqlState: "57P02"), PostgresError(.server, sqlState: "57P03"),
              PostgresError(.server, sqlState: "53300"), PostgresError(.server, sqlState: "08006"),
          ])
    func unavailable(error: PostgresError) throws {
        #expect(error.isUnavailable)
        let wire = error.wireError
        #expect(wire.code == .unavailable)
        let publicError = try #require(PublicError(wire))
        #expect(publicError.code == .serviceUnavailable && publicError.retryAfter == 1)
    }

    @Test("a wrong statement, a constraint or a decoding failure is internal and says nothing",
          arguments: [
              PostgresError(.server, sqlState: "23505", serverMessage: "Key (email)=(ana@example.com) exists"),
              PostgresError(.server, sqlState: "42601"), PostgresError(.decoding, reason: "cannot decode"),
              PostgresError(.invalidParameter), PostgresError(.cancelled),
          ])
    func internalError(error: PostgresError) {
        #expect(!error.isUnavailable)
        #expect(error.wireError == WireError(.internal, "internal error"))
    }

    @Test("a pool whose server does not answer fails as unavailable, quickly")
    func refused() async throws {
        var configuration = try PostgresConfiguration(url: "postgres://postgres@127.0.0.1:1/postgres")
        configuration.connectTimeout = .seconds(2)
        let pool = PostgresPool(configuration: configuration)
        defer { Task { await pool.close() } }
        let error = await #expect(throws: PostgresError.self) { _ = try await pool.query("SELECT 1", []) }
        #expect(error?.isUnavailable == true)
    }
}
