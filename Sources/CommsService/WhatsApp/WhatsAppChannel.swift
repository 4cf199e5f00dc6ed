import Contracts
import Foundation
import ServiceKit

/// The WhatsApp methods' logic: settings (URL checked by the outbound guard, key sealed), instances on the
/// gateway (plan limit, webhook token stored hashed), accepting texts into SmartSend's queue (group commit:
/// concurrent accepts share one statement, each answered after the commit holding it).
struct WhatsAppChannel: Sendable {
    let store: WhatsAppStore
    let gateways: WhatsAppGateways
    let sealer: RelaySealer
    let settings: WhatsAppSettings
    /// Checks a project's gateway URL as every URL a project gives.
    let urlRules: WebhookEndpointRules
    /// Commits accepted texts in batches (``WhatsAppStore/enqueueAll(_:)``).
    let accepts: GroupCommit<NewWhatsAppMessage, SendWhatsAppResponse>
    /// The instance choice of texts naming none, kept a second per project.
    let choices = InstanceChoiceCache()

    init(
        store: WhatsAppStore, gateways: WhatsAppGateways, sealer: RelaySealer, settings: WhatsAppSettings,
        urlRules: WebhookEndpointRules
    ) {
        self.store = store
        self.gateways = gateways
        self.sealer = sealer
        self.settings = settings
        self.urlRules = urlRules
        self.accepts = GroupCommit(maximumBatch: 256) { batch in await store.enqueueAll(batch) }
    }

    /// The most characters of a text.
    static let maximumText = 4096
    /// Priorities, in queue order.
    static let priorities = ["high": 0, "normal": 1, "low": 2]

    // MARK: Settings

    func settingsView(projectID: String) async throws -> WhatsAppSettingsView {
        let own = try await store.settings(projectID: projectID)
        return WhatsAppSettingsView(gatewayURL: own.url, hasAPIKey: own.sealedKey != nil)
    }

    func updateSettings(_ request: UpdateWhatsAppSettingsRequest, projectID: String) async throws -> WhatsAppSettingsView {
        var url = request.gatewayURL
        if let given = url, !given.isEmpty {
            do {
                try await urlRules.validate(url: given)
            } catch let error as PublicError {
                throw PublicError.validation("gateway_url", error.message.replacingOccurrences(of: "url ", with: "gateway_url "))
            }
            url = given.hasSuffix("/") ? String(given.dropLast()) : given
        }
        var sealed: [UInt8]?
        if let key = request.gatewayAPIKey, !key.isEmpty {
            guard key.utf8.count <= 512 else { throw PublicError.validation("gateway_api_key", "gateway_api_key must be at most 512 bytes.") }
            sealed = try sealer.seal(key, projectID: projectID)
        }
        try await store.saveSettings(
            projectID: projectID, url: url.flatMap { $0.isEmpty ? nil : $0 }, keepURL: request.gatewayURL == nil,
            sealedKey: sealed, keepKey: request.gatewayAPIKey == nil)
        return try await settingsView(projectID: projectID)
    }

    // MARK: Instances

    func createInstance(_ request: CreateWhatsAppInstanceRequest, projectID: String) async throws -> WhatsAppInstanceView {
        let name = request.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...100).contains(name.count) else { throw PublicError.validation("name", "name must be 1 to 100 characters.") }
        let gateway = try await gateways.client(projectID: projectID)
        let id = ResourceID.make("wai_")
        let token = Base64URL.encode(SecureRandom.bytes(32))
        guard try await store.insertInstance(
            id: id, projectID: projectID, name: name, tokenHash: SHA256.hash(token), limit: request.instanceLimit)
        else {
            throw PublicError(.planLimitReached, "The plan allows \(request.instanceLimit ?? 0) WhatsApp instance(s).", limit: "instances")
        }
        let link: EvolutionClient.Link
        do {
            link = try await gateway.createInstance(name: id, webhookURL: gateways.webhookURL(token: token))
        } catch {
            try? await store.deleteInstance(id: id)
            throw Self.publicError(error)
        }
        choices.drop(projectID: projectID)
        try await refreshConnection(id: id, gateway: gateway)
        return try await view(id: id, projectID: projectID, link: link)
    }

    func connect(id: String, projectID: String) async throws -> WhatsAppInstanceView {
        _ = try await record(id: id, projectID: projectID)
        let gateway = try await gateways.client(projectID: projectID)
        let link: EvolutionClient.Link
        do { link = try await gateway.connect(instance: id) } catch { throw Self.publicError(error) }
        try await refreshConnection(id: id, gateway: gateway)
        return try await view(id: id, projectID: projectID, link: link)
    }

    /// Removes the instance from the gateway (an unreachable gateway stops nothing: the row goes anyway) and
    /// gives its queue to the project's other instances (SmartSend fails it when none is left).
    func deleteInstance(id: String, projectID: String) async throws {
        _ = try await record(id: id, projectID: projectID)
        if let gateway = try? await gateways.client(projectID: projectID) {
            try? await gateway.deleteInstance(instance: id)
        }
        try await store.changeHealth(instanceID: id, to: "BANNED", reason: "instance deleted")
        try await store.unassignQueue(instanceID: id)
        try await store.deleteInstance(id: id)
        choices.drop(projectID: projectID)
    }

    func instances(projectID: String) async throws -> [WhatsAppInstanceView] {
        var views: [WhatsAppInstanceView] = []
        for record in try await store.instances(projectID: projectID) { views.append(try await view(record)) }
        return views
    }

    func instance(id: String, projectID: String) async throws -> WhatsAppInstanceView {
        try await view(record(id: id, projectID: projectID))
    }

    // MARK: Messages

    /// Validates and commits a text to the queue (answers after the commit). A repeated idempotency key answers
    /// the first text (``IdempotencyCheck``) and gives this request's reservation back.
    func send(_ request: SendWhatsAppRequest, projectID: String) async throws -> SendWhatsAppResponse {
        let idempotency = try IdempotencyCheck(request, method: CommsContract.sendWhatsApp.name)
        if let idempotency, let first = try await store.message(idempotencyKey: idempotency.key, projectID: projectID) {
            try idempotency.verify(storedHash: first.requestHash)
            try await store.releaseUnused(request.reservationID, messageID: first.response.id, projectID: projectID)
            return first.response
        }
        guard Self.isE164(request.to) else {
            throw PublicError.validation("to", "to must be an E.164 number: + and 8 to 15 digits, such as +51987654321.")
        }
        guard (1...Self.maximumText).contains(request.text.count) else {
            throw PublicError.validation("text", "text must be 1 to \(Self.maximumText) characters.")
        }
        // PostgreSQL's text cannot hold U+0000.
        guard !request.text.unicodeScalars.contains("\u{0}") else {
            throw PublicError.validation("text", "text must not contain NUL characters.")
        }
        guard let priority = Self.priorities[request.priority ?? "normal"] else {
            throw PublicError.validation("priority", "priority must be high, normal or low.")
        }
        var instanceID = request.instanceID
        if let named = instanceID {
            guard ResourceID.isWellFormed(named, prefix: "wai_"), try await store.instance(id: named, projectID: projectID) != nil else {
                throw PublicError(.notFound, "The instance does not exist.", field: "instance_id")
            }
        } else {
            let choice = try await choices.take(projectID: projectID) {
                try await SmartSendChooser.load(store, settings, projectID: projectID)
            }
            if choice.noneLeft {
                throw PublicError.validation("instance_id", "The project has no WhatsApp instance that can send: create one first.")
            }
            instanceID = choice.instanceID
        }
        return try await accepts.submit(NewWhatsAppMessage(
            id: ResourceID.make("msg_"), projectID: projectID, instanceID: instanceID, chosen: request.instanceID == nil,
            to: request.to, text: request.text, priority: priority, reservationID: request.reservationID,
            idempotency: idempotency))
    }

    /// `+` and 8–15 ASCII digits, the first not 0.
    static func isE164(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.first == UInt8(ascii: "+"), (9...16).contains(bytes.count), bytes[1] != UInt8(ascii: "0") else { return false }
        return bytes.dropFirst().allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    // MARK: Views

    private func record(id: String, projectID: String) async throws -> WhatsAppInstanceRecord {
        guard ResourceID.isWellFormed(id, prefix: "wai_"), let record = try await store.instance(id: id, projectID: projectID) else {
            throw PublicError.notFound("The instance does not exist.")
        }
        return record
    }

    private func refreshConnection(id: String, gateway: EvolutionClient) async throws {
        if let state = try? await gateway.connectionState(instance: id), ["open", "close", "connecting"].contains(state) {
            try await store.setConnection(instanceID: id, state: state)
        }
    }

    private func view(id: String, projectID: String, link: EvolutionClient.Link) async throws -> WhatsAppInstanceView {
        var view = try await view(record(id: id, projectID: projectID))
        view.qrCode = link.qrCode
        view.pairingCode = link.pairingCode
        return view
    }

    private func view(_ record: WhatsAppInstanceRecord) async throws -> WhatsAppInstanceView {
        let pace = SmartSendPace(record, settings, now: Date())
        return WhatsAppInstanceView(
            id: record.id, name: record.name, connection: record.connection, health: record.health,
            warmupDay: pace.warmupDay, dailyCap: pace.dailyCap, sentToday: pace.sentToday,
            sentLastMinute: pace.sentLastWindow, createdAt: record.createdAt, healthChangedAt: record.healthChangedAt,
            healthReason: record.healthReason)
    }

    /// A gateway failure as the caller sees it: a refused key names `gateway_api_key`; the rest is 503.
    static func publicError(_ error: any Error) -> PublicError {
        if let public_ = error as? PublicError { return public_ }
        if case .unauthorized = error as? GatewayError {
            return PublicError.validation("gateway_api_key", "The WhatsApp gateway refused the API key.")
        }
        let reason = (error as? GatewayError)?.description ?? "gateway unreachable"
        return PublicError(.serviceUnavailable, "The WhatsApp gateway did not answer as expected: \(reason).", retryAfter: 5)
    }
}

extension SendWhatsAppRequest: IdempotentRequest {
    /// Without the reservation (new on each try).
    var hashed: SendWhatsAppRequest {
        var request = self
        request.reservationID = nil
        return request
    }
}
