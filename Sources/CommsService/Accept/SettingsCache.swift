/// The projects' email settings as the accept path reads them (``ExpiringProjectCache``, 1 s): an accept costs no
/// settings read; a save on this replica drops the project's entry, another replica's is seen within a second.
///
/// ```swift
/// let settings = try await cache.settings(projectID: project) { try await store.settings(projectID: project) }
/// cache.drop(projectID: project)        // after saving
/// ```
typealias SettingsCache = ExpiringProjectCache<StoredSettings>

extension ExpiringProjectCache where Value == StoredSettings {
    /// The project's settings: the cached ones while fresh, else `load`'s (then cached).
    func settings(projectID: String, load: () async throws -> StoredSettings) async throws -> StoredSettings {
        try await use(projectID: projectID, load: load) { $0 }
    }
}
