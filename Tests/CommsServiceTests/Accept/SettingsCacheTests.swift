import Synchronization
import Testing
@testable import CommsService

@Suite("Settings cache")
struct SettingsCacheTests {
    final class Loads: Sendable {
        let count = Mutex(0)
        func load(_ from: String) -> StoredSettings {
            count.withLock { $0 += 1 }
            return StoredSettings(defaultFrom: from)
        }
    }

    @Test("reads once while fresh; a drop forces a read; an expired entry is read again")
    func freshness() async throws {
        let cache = SettingsCache(timeToLive: .milliseconds(200))
        let loads = Loads()
        for _ in 0..<3 { _ = try await cache.settings(projectID: "p") { loads.load("a@x.test") } }
        #expect(loads.count.withLock { $0 } == 1)
        cache.drop(projectID: "p")
        #expect(try await cache.settings(projectID: "p") { loads.load("b@x.test") }.defaultFrom == "b@x.test")
        try await Task.sleep(for: .milliseconds(300))
        _ = try await cache.settings(projectID: "p") { loads.load("c@x.test") }
        #expect(loads.count.withLock { $0 } == 3)
    }

    @Test("a read that overlaps a drop is not kept")
    func overlappingDrop() async throws {
        let cache = SettingsCache()
        let stale = try await cache.settings(projectID: "p") {
            cache.drop(projectID: "p")            // the settings were saved while this read ran
            return StoredSettings(defaultFrom: "old@x.test")
        }
        #expect(stale.defaultFrom == "old@x.test")
        #expect(try await cache.settings(projectID: "p") { StoredSettings(defaultFrom: "new@x.test") }.defaultFrom == "new@x.test")
    }
}
