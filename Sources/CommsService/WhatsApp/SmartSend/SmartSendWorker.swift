import Contracts
import Foundation
import ServiceKit

/// SmartSend's worker: every poll it expires what waited 24 h, restores throttled and warmed-up instances, gives
/// unassigned messages an instance, and leases the instances that are due; each leased instance is paced by one
/// task: read its pace from its row (``SmartSendPace``: the ring of its last texts, the day's count), stop
/// until ``InstancePace/nextSendTime`` when it must wait, else claim the next message, send presence
/// `composing`, wait a uniform jitter, mark the text leaving (counted in the row's pace), send it, then
/// `sent` + capture + `whatsapp.sent` in one transaction. The three per-text statements are group commits
/// shared by all the instance tasks (``SmartSendBatches``). The gateway's answers drive health
/// (``SmartSendOutcome``).
final class SmartSendWorker: Service, @unchecked Sendable {
    let store: WhatsAppStore
    let gateways: WhatsAppGateways
    let settings: WhatsAppSettings
    let logger: Logger
    /// The per-text statements, batched across instances.
    let batches: SmartSendBatches
    private let lock = NSLock()
    private var busy: Set<String> = []
    /// Set at shutdown: instance tasks give their lease back after the text in hand.
    private var stopping = false

    init(store: WhatsAppStore, gateways: WhatsAppGateways, settings: WhatsAppSettings, logger: Logger) {
        self.store = store
        self.gateways = gateways
        self.settings = settings
        self.logger = logger
        self.batches = SmartSendBatches(store: store, lease: settings.lease)
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

    /// Sends the instance's due messages one by one at its pace; gives the lease back when it must wait, the
    /// queue is empty or the instance may not send any more.
    private func pace(_ claimed: WhatsAppInstanceRecord) async throws {
        var instance = claimed
        // The project's gateway, read once a round.
        let gateway = await Result(catching: { try await gateways.client(projectID: instance.projectID) })
        while !lock.withLock({ stopping }) {
            let now = Date()
            let pace = SmartSendPace(instance, settings, now: now)
            if pace.nextSendTime > now {
                return try await store.releaseInstance(id: instance.id, nextSendAt: pace.nextSendTime)
            }
            let claim = try await batches.claims.submit(instance.id)
            guard let fresh = claim.instance else { return }
            instance = fresh
            guard instance.maySend, let message = claim.message else {
                return try await store.releaseInstance(id: instance.id, nextSendAt: nil)
            }
            let outcome = await send(message, claim: claim, gateway: gateway, firstOpenAt: instance.firstOpenAt) { paced in
                instance = instance.with(paced)
            }
            let keepGoing = try await SmartSendOutcome(store: store, settings: settings, logger: logger, batches: batches)
                .apply(outcome, message: message, instance: instance)
            guard keepGoing else { return try await store.releaseInstance(id: instance.id, nextSendAt: nil) }
        }
        try await store.releaseInstance(id: instance.id, nextSendAt: nil)
    }

    /// Presence, jitter, text: the gateway's message id or why not. A text that may have left already
    /// (``WhatsAppQueuedMessage/leftAt``) is first looked for at the gateway (``SmartSendReconciliation``).
    /// `counted` gets the instance's pace once the text is marked leaving.
    private func send(
        _ message: WhatsAppQueuedMessage, claim: SmartSendClaim, gateway: Result<EvolutionClient, any Error>, firstOpenAt: Date?,
        counted: (WhatsAppInstancePace) -> Void
    ) async -> SmartSendResult {
        // Whether an earlier attempt may have sent the text: until the gateway says it has no such text, every
        // error keeps the message's `text_at` so the next attempt asks again.
        var unsure = message.leftAt != nil
        do {
            if claim.suppressed, !unsure { return .suppressed }
            guard case .success(let gateway) = gateway else { return .noGateway }
            if let leftAt = message.leftAt {
                if let earlier = try await SmartSendReconciliation(store: store).earlierSend(of: message, leftAt: leftAt, gateway: gateway) {
                    logger.notice("whatsapp text found at the gateway after an unanswered send", metadata: [.messageID: .string(message.id)])
                    return .sent(earlier)
                }
                unsure = false
            }
            if claim.suppressed { return .suppressed }
            let number = String(message.to.dropFirst())
            let wait = Int.random(in: settings.jitter)
            // Evolution holds the presence call for its `delay`; a gateway that answers at once gets the rest of
            // the wait here, so the text leaves `wait` after the presence either way.
            let began = ContinuousClock.now
            try await gateway.sendPresence(instance: message.instanceID, number: number, delay: .milliseconds(wait))
            let remaining = .milliseconds(wait) - (ContinuousClock.now - began)
            if remaining > .zero { try? await Task.sleep(for: remaining) }
            // Counted in the warm-up day it leaves in.
            let day = InstancePace.dayWindow(firstOpenAt: firstOpenAt, now: Date()).start
            guard let paced = try await batches.leavings.submit(SmartSendLeaving(message: message, dayStart: day)) else {
                return .lostClaim
            }
            counted(paced)
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
