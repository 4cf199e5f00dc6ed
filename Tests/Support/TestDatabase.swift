import Foundation
import ServiceKit

/// A PostgreSQL database of its own for one black-box test, created on the test server
/// (`PURRPURR_TEST_DATABASE_URL`) and dropped by ``drop()``, so the services a test starts (each with its
/// fixed schema) never meet another test's tables or queued work.
///
/// ```swift
/// let database = try await TestDatabase.create(prefix: "mesh")
/// // … start executables with DATABASE_URL = database.url …
/// try await database.drop()
/// ```
struct TestDatabase: Sendable {
    /// The database's name.
    let name: String
    /// Its URL (the test server's URL with this database as the path).
    let url: String
    /// A pool on the server's maintenance database, to drop it.
    let admin: PostgresPool

    /// The test server's URL, or nil when tests run without PostgreSQL.
    static var serverURL: String? {
        ProcessInfo.processInfo.environment["PURRPURR_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Creates `<prefix>_<random>` on the test server.
    static func create(prefix: String) async throws -> TestDatabase {
        guard let base = serverURL, var components = URLComponents(string: base) else {
            throw TestSupportError(message: "PURRPURR_TEST_DATABASE_URL is not set (run scripts/test)")
        }
        let admin = PostgresPool(configuration: try PostgresConfiguration(url: base))
        let name = prefix + "_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        try await admin.execute("CREATE DATABASE \(name)")
        components.path = "/" + name
        guard let url = components.string else { throw TestSupportError(message: "bad database URL") }
        return TestDatabase(name: name, url: url, admin: admin)
    }

    /// Drops the database (closing other sessions first) and the admin pool.
    func drop() async throws {
        try await admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        await admin.close()
    }
}

/// A test fixture could not be set up.
struct TestSupportError: Error, CustomStringConvertible {
    /// What went wrong.
    var message: String
    var description: String { message }
}
