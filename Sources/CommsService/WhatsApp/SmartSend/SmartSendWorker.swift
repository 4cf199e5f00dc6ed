import Contracts
import Foundation
import ServiceKit

/// SmartSend's worker: every poll it expires what waited 24 h, restores throttled and warmed-up instances, gives
/// unassigned messages an instance, and leases the instances that are due; each leased instance is paced by one
/// task: count its texts (last window, today) in the database, wait for ``InstancePace/nextSendTime``, claim the
/// next message, send presence `composing`, wait a uniform jitter, mark the text leaving, send it, then
/// `sent` + capture + `whatsapp.sent` in one transaction. The gateway's answers drive health (``SmartSendOutcome``).
final class SmartSendWorker: Service, @unchecked Sendable {
    let store: WhatsAppStore
    let gateways: WhatsAppGateways
    let settings: WhatsAppSettings
    let logger: Logger
    private let lock = NSLock()
    private var busy: Set<String> = []
    /// Set at shutdown: instance tasks give their lease back after the text in hand.
    private var stopping = false

    init(store: WhatsAppStore, gateways: WhatsAppGateways, settings: WhatsAppSettings, logger: Logger) {
        self.store = store
        self.gateways = gateways
        self.settings = settings
        self.logger = logger
    }

    func run() async throws {
        lock.withLock { stopping = false }
        let loop = Task {
            while !Task.isCancelled {
                do {
                    try await pass()
                } catch {
                    logger.warning("smartsend pass failed", metadata: [.errorType: .errorType(error)])
                }
                try? await Task.sleep(for: settings.pollInterval)
            }
        }
        await withGracefulShutdownHandler {
            _ = await loop.result
        } onGracefulShutdown: {
            self.lock.withLock { self.stopping = true }
            loop.cancel()
        }
        // Instances still being paced finish their current text (their lease keeps others off meanwhile).
        while !lock.withLock({ busy.isEmpty }) { try? await Task.sleep(for: .milliseconds(50)) }
    }

    /// One round: housekeeping, assignment, then a task per due instance.
    func pass() async throws {
        _ = try await store.expire(maxAge: settings.maxAge)
        for (id, health) in try await store.healthDue(warmupLength: .seconds(Int64(InstancePace.day) * Int64(InstancePace.warmupDays - 1))) {
            try await store.changeHealth(
                instanceID: id, to: health,
                reason: health == "ACTIVE" ? "warm-up complete: full rate" : "throttle over: back to the warm-up pace")
        }
        try await assignUnassigned()
        let room = settings.concurrentInstances - lock.withLock { busy.count }
        guard room > 0 else { return }
        let running = lock.withLock { Array(busy) }
        for instance in try await store.claimInstances(limit: room, lease: settings.lease, excluding: running) {
            lock.withLock { _ = busy.insert(instance.id) }
            Task {
                defer { _ = lock.withLock { busy.remove(instance.id) } }
                do {
                    try await pace(instance)
                } catch {
                    logger.warning("smartsend instance round failed", metadata: [.errorType: .errorType(error)])
                    try? await store.releaseInstance(id: instance.id, nextSendAt: Date().addingTimeInterval(1))
                }
            }
        }
    }

    /// Gives queued messages without an instance to the project's instance with most room (counting what is
    /// queued on each); fails them when the project has no instance left that is not banned.
    func assignUnassigned() async throws {
        var choosers: [String: SmartSendChooser] = [:]
        for (id, projectID) in try await store.unassigned(limit: 500) {
            if choosers[projectID] == nil { choosers[projectID] = try await SmartSendChooser.load(store, settings, projectID: projectID) }
            guard let chosen = choosers[projectID]?.take() else {
                if choosers[projectID]?.noneLeft == true {
                    try await store.markFailed(messageID: id, projectID: projectID, reason: "no healthy WhatsApp instance left")
                }
                continue
            }
            try await store.assign(messageID: id, instanceID: chosen)
        }
    }

    /// Sends the instance's due messages one by one at its pace; gives the lease back when it must wait or the
    /// queue is empty.
    private func pace(_ claimed: WhatsAppInstanceRecord) async throws {
        var instance = claimed
        while !lock.withLock({ stopping }) {
            let now = Date()
            let pace = try await SmartSendPace.load(store, settings, instance: instance, now: now)
            let next = pace.nextSendTime
            if next > now {
                return try await store.releaseInstance(id: instance.id, nextSendAt: next)
            }
            guard let message = try await store.claimMessage(instanceID: instance.id, lease: settings.lease) else {
                return try await store.releaseInstance(id: instance.id, nextSendAt: nil)
            }
            let outcome = await send(message)
            let keepGoing = try await SmartSendOutcome(store: store, settings: settings, logger: logger)
                .apply(outcome, message: message, instance: instance)
            guard keepGoing, let fresh = try await store.instance(id: instance.id, projectID: instance.projectID),
                  fresh.maySend
            else { return try await store.releaseInstance(id: instance.id, nextSendAt: nil) }
            instance = fresh
        }
        try await store.releaseInstance(id: instance.id, nextSendAt: nil)
    }

    /// Presence, jitter, text: the gateway's message id or why not. A text that may have left already
    /// (``WhatsAppQueuedMessage/leftAt``) is first looked for at the gateway (``SmartSendReconciliation``).
    private func send(_ message: WhatsAppQueuedMessage) async -> SmartSendResult {
        // Whether an earlier attempt may have sent the text: until the gateway says it has no such text, every
        // error keeps the message's `text_at` so the next attempt asks again.
        var unsure = message.leftAt != nil
        do {
            let suppressed = try await store.isSuppressed(projectID: message.projectID, number: message.to)
            if suppressed, !unsure { return .suppressed }
            let gateway: EvolutionClient
            do { gateway = try await gateways.client(projectID: message.projectID) } catch { return .noGateway }
            if let leftAt = message.leftAt {
                if let earlier = try await SmartSendReconciliation(store: store).earlierSend(of: message, leftAt: leftAt, gateway: gateway) {
                    logger.notice("whatsapp text found at the gateway after an unanswered send", metadata: [.messageID: .string(message.id)])
                    return .sent(earlier)
                }
                unsure = false
            }
            if suppressed { return .suppressed }
            let number = String(message.to.dropFirst())
            let wait = Int.random(in: settings.jitter)
            // Evolution holds the presence call for its `delay`; a gateway that answers at once gets the rest of
            // the wait here, so the text leaves `wait` after the presence either way.
            let began = ContinuousClock.now
            try await gateway.sendPresence(instance: message.instanceID, number: number, delay: .milliseconds(wait))
            let remaining = .milliseconds(wait) - (ContinuousClock.now - began)
            if remaining > .zero { try? await Task.sleep(for: remaining) }
            guard try await store.markLeaving(message) else { return .lostClaim }
            do {
                return .sent(try await gateway.sendText(instance: message.instanceID, number: number, text: message.text))
            } catch {
                // A refusal means it did not leave; a broken or unreadable answer means it may have.
                return error.mayHaveActed ? .uncertain(error) : .gateway(error)
            }
        } catch let error as GatewayError {
            return unsure ? .uncertain(error) : .gateway(error)
        } catch {
            return unsure ? .uncertain(.transport(.connectionClosed)) : .gateway(.transport(.connectFailed))
        }
    }
}
