import Foundation

extension PrivateCluster {
    /// Where `initdb` and `pg_ctl` live (`PURRPURR_TEST_PGBIN`, set by `scripts/lib/postgres.sh` and CI).
    static let environmentBinDirectory = ProcessInfo.processInfo.environment["PURRPURR_TEST_PGBIN"].flatMap { $0.isEmpty ? nil : $0 }
    /// The OS user that must own and run a cluster (`PURRPURR_TEST_PGOWNER`).
    static let environmentOwner = ProcessInfo.processInfo.environment["PURRPURR_TEST_PGOWNER"].flatMap { $0.isEmpty ? nil : $0 }
    /// Whether the environment allows a private cluster.
    static var isConfigured: Bool { environmentBinDirectory != nil && environmentOwner != nil }

    /// A private cluster from the environment's binaries and owner.
    static func make() async throws -> PrivateCluster {
        try await make(binDirectory: environmentBinDirectory ?? "", owner: environmentOwner ?? "")
    }
}
