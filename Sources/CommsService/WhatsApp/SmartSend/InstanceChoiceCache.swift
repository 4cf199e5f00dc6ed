/// The accept path's instance choice per project (``SmartSendChooser`` in an ``ExpiringProjectCache``, 1 s), so a
/// text that names no instance costs no reads before its commit: each accept takes from the kept chooser (its
/// room one smaller, so a burst is still spread over the instances). Creating or deleting an instance on this
/// replica drops the project's entry; another replica, or a health change, is seen within a second — and the
/// commit itself gives up a chosen instance that is gone or `BANNED` by then (``WhatsAppStore/enqueueAll(_:)``),
/// so SmartSend chooses again.
typealias InstanceChoiceCache = ExpiringProjectCache<SmartSendChooser>

extension ExpiringProjectCache where Value == SmartSendChooser {
    /// The instance for the project's next text (nil: none has room now), and whether the project has no
    /// instance left that is not `BANNED`; `load` reads a fresh chooser when the kept one is stale.
    func take(projectID: String, load: () async throws -> SmartSendChooser) async throws -> (instanceID: String?, noneLeft: Bool) {
        try await use(projectID: projectID, load: load) { chooser in
            let taken = chooser.take()
            return (taken, chooser.noneLeft)
        }
    }
}
