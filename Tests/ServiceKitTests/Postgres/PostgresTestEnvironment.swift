import Foundation
import Testing
@testable import PurrpurrTestSupport
@testable import ServiceKit

/// The shared throwaway PostgreSQL that `scripts/lib/postgres.sh` starts (CI exports the same variables).
enum PostgresTestEnvironment {
    static let variables = ProcessInfo.processInfo.environment

    /// `PURRPURR_TEST_DATABASE_URL`, if set.
    static let databaseURL = variables["PURRPURR_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    /// Where `initdb` and `pg_ctl` live (for tests that run a private cluster).
    static let binDirectory = variables["PURRPURR_TEST_PGBIN"].flatMap { $0.isEmpty ? nil : $0 }
    /// The OS user that must own and run a cluster.
    static let owner = variables["PURRPURR_TEST_PGOWNER"].flatMap { $0.isEmpty ? nil : $0 }

    static var isAvailable: Bool { databaseURL != nil }
    static var canRunPrivateCluster: Bool { binDirectory != nil && owner != nil }

    static let disabledReason: Comment =
        "PURRPURR_TEST_DATABASE_URL is not set: run `source scripts/lib/postgres.sh; pg_throwaway_start DIR` first"
    static let privateClusterDisabledReason: Comment =
        "PURRPURR_TEST_PGBIN / PURRPURR_TEST_PGOWNER are not set: run `source scripts/lib/postgres.sh; pg_throwaway_start DIR` first"

    /// A configuration for the shared server.
    static func configuration(maxConnections: Int = 4, acquireTimeout: Duration = .seconds(10)) throws
        -> PostgresConfiguration
    {
        var configuration = try PostgresConfiguration(url: databaseURL ?? "")
        configuration.maxConnections = maxConnections
        configuration.acquireTimeout = acquireTimeout
        configuration.connectTimeout = .seconds(5)
        return configuration
    }

    /// A unique lowercase identifier for a test's own table or schema.
    static func uniqueName(_ prefix: String) -> String {
        let suffix = UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        return "\(prefix)_\(suffix)"
    }
}

/// Collects a listener's or pool's events for assertions, and waits for conditions with a deadline.
actor PostgresEventLog<Event: Sendable> {
    private(set) var events: [Event] = []

    func append(_ event: Event) { self.events.append(event) }

    /// Polls until `condition` holds on the events so far; `false` on timeout.
    func wait(timeout: Duration = .seconds(20), until condition: ([Event]) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(self.events) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition(self.events)
    }
}
