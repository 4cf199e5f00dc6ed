import Contracts
import Foundation
import ServiceKit

/// The gateway's events for one instance (Evolution's webhook body `{"event","instance","data"}`; event names
/// in either spelling, `connection.update` or `CONNECTION_UPDATE`):
///
/// - `connection.update`: `open`/`connecting`/`close`; a `close` with `statusReason` 401, 402, 403 or 406
///   (logged out, banned) bans the instance and moves its queue; an `open` after a ban starts it again.
/// - `messages.update`: `DELIVERY_ACK` → `delivered`, `READ`/`PLAYED` → `read` (forward only: idempotent).
/// - `messages.upsert`: a text from a number saying STOP/BAJA (or a report) suppresses that number.
///
/// Other events are acknowledged and ignored.
struct WhatsAppEvents: Sendable {
    let store: WhatsAppStore

    /// Words that stop messages to a number (compared trimmed, case-insensitively).
    static let stopWords: Set<String> = ["stop", "baja", "unsubscribe", "cancelar", "parar"]

    func record(_ request: WhatsAppEventRequest) async throws {
        guard request.token.utf8.count <= 256, let instance = try await store.instance(tokenHash: SHA256.hash(request.token)) else {
            throw PublicError(.invalidSignature, "The webhook token is not known.")
        }
        guard let body = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any],
              let event = body["event"] as? String
        else { throw PublicError.validation("event", "The body must be a JSON object with an event.") }
        let data = body["data"] as? [String: Any] ?? [:]
        switch event.lowercased().replacingOccurrences(of: "_", with: ".") {
        case "connection.update": try await connection(instance, data)
        case "messages.update": try await status(instance, data)
        case "messages.upsert": try await inbound(instance, data)
        default: break
        }
    }

    private func connection(_ instance: WhatsAppInstanceRecord, _ data: [String: Any]) async throws {
        guard let state = data["state"] as? String, ["open", "close", "connecting"].contains(state) else { return }
        try await store.setConnection(instanceID: instance.id, state: state)
        let reason = (data["statusReason"] as? Int) ?? Int(data["statusReason"] as? String ?? "")
        if state == "close", let reason, [401, 402, 403, 406].contains(reason) {
            try await store.changeHealth(
                instanceID: instance.id, to: "BANNED", reason: "connection closed by WhatsApp (status \(reason): logged out or banned)")
            try await store.unassignQueue(instanceID: instance.id)
        } else if state == "open", instance.health == "BANNED" {
            try await store.changeHealth(instanceID: instance.id, to: "WARMUP", reason: "connected again")
        }
    }

    private func status(_ instance: WhatsAppInstanceRecord, _ data: [String: Any]) async throws {
        let updates = (data["status"] != nil) ? [data] : (data["updates"] as? [[String: Any]] ?? [])
        for update in updates {
            let key = update["keyId"] as? String ?? (update["key"] as? [String: Any])?["id"] as? String
            guard let key, !key.isEmpty, key.utf8.count <= 256 else { continue }
            let status: String
            switch (update["status"] as? String ?? "").uppercased() {
            case "DELIVERY_ACK": status = "delivered"
            case "READ", "PLAYED": status = "read"
            default: continue
            }
            try await store.recordStatus(instanceID: instance.id, gatewayMessageID: key, status: status)
        }
    }

    private func inbound(_ instance: WhatsAppInstanceRecord, _ data: [String: Any]) async throws {
        let key = data["key"] as? [String: Any] ?? [:]
        guard key["fromMe"] as? Bool != true, let jid = key["remoteJid"] as? String else { return }
        let message = data["message"] as? [String: Any] ?? [:]
        let text = message["conversation"] as? String
            ?? (message["extendedTextMessage"] as? [String: Any])?["text"] as? String ?? ""
        let reported = data["reported"] as? Bool == true
        guard reported || Self.stopWords.contains(text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()) else { return }
        let digits = jid.prefix { $0 != "@" }
        let number = "+" + digits
        guard WhatsAppChannel.isE164(number) else { return }
        try await store.suppress(projectID: instance.projectID, number: number, reason: reported ? "reported" : "stop")
    }
}
