import Foundation

/// Chooses instances for a project's messages that name none (``InstanceChoice``), counting each message given
/// against the instance's room today so a batch is spread over the instances (rotation).
struct SmartSendChooser: Sendable {
    private var candidates: [InstanceChoice.Candidate]
    /// True when the project has no instance that is not `BANNED` (its messages cannot ever go).
    let noneLeft: Bool

    /// Reads the project's instances, their counts today and what is queued on each.
    static func load(_ store: WhatsAppStore, _ settings: WhatsAppSettings, projectID: String) async throws -> SmartSendChooser {
        let instances = try await store.instances(projectID: projectID)
        let queued = try await store.queuedCounts(projectID: projectID)
        let now = Date()
        var candidates: [InstanceChoice.Candidate] = []
        for (order, instance) in instances.reversed().enumerated() where instance.maySend {
            let pace = SmartSendPace(instance, settings, now: now)
            candidates.append(InstanceChoice.Candidate(
                id: instance.id, connection: instance.connection, health: instance.health,
                roomToday: InstancePace.roomToday(sentToday: pace.sentToday + queued[instance.id, default: 0], dailyCap: pace.dailyCap),
                sentLastMinute: pace.sentLastWindow, createdOrder: order))
        }
        return SmartSendChooser(candidates: candidates, noneLeft: !instances.contains { $0.health != "BANNED" })
    }

    /// The next message's instance (its room one smaller), or nil when none has room now.
    mutating func take() -> String? {
        guard let id = InstanceChoice.choose(candidates), let index = candidates.firstIndex(where: { $0.id == id }) else { return nil }
        let old = candidates[index]
        candidates[index] = InstanceChoice.Candidate(
            id: old.id, connection: old.connection, health: old.health, roomToday: old.roomToday - 1,
            sentLastMinute: old.sentLastMinute, createdOrder: old.createdOrder)
        return id
    }
}
