import Foundation
import ServiceKit
import Wire

/// A client of a WhatsApp gateway speaking the Evolution API v2: the platform's (`EVOLUTION_URL`,
/// `EVOLUTION_API_KEY`) or a project's own. Every call carries the `apikey` header and goes through the
/// outbound guard (``GuardedHTTPClient``): a project's gateway URL is a URL a project aims the platform at.
///
/// ```swift
/// let gateway = EvolutionClient(http: guarded, baseURL: "https://evo.example.com", apiKey: key)
/// let created = try await gateway.createInstance(name: "inst_1", webhookURL: hook)
/// let sent = try await gateway.sendText(instance: "inst_1", number: "51987654321", text: "Hola")
/// ```
struct EvolutionClient: Sendable {
    /// The events Comms asks the gateway to post to the instance's webhook.
    static let webhookEvents = ["CONNECTION_UPDATE", "MESSAGES_UPDATE", "MESSAGES_UPSERT", "QRCODE_UPDATED", "SEND_MESSAGE"]

    /// The guarded HTTP client.
    let http: GuardedHTTPClient
    /// The gateway's base URL, without a trailing `/`.
    let baseURL: String
    /// The gateway's API key (sent as `apikey`; never logged).
    let apiKey: Secret<String>
    /// The deadline of one call.
    var timeout: Duration = .seconds(15)

    /// How to link a phone: a `data:image/png;base64,…` QR code and/or a pairing code, as the gateway gives them.
    struct Link: Sendable, Hashable {
        var qrCode: String?
        var pairingCode: String?
    }

    /// `POST /instance/create`: a Baileys instance named `name` whose events go to `webhookURL`.
    func createInstance(name: String, webhookURL: String) async throws(GatewayError) -> Link {
        let answer = try await call(.post, "/instance/create", [
            "instanceName": name, "qrcode": true, "integration": "WHATSAPP-BAILEYS",
            "webhook": ["url": webhookURL, "byEvents": false, "base64": false, "events": Self.webhookEvents],
        ])
        return Self.link(answer["qrcode"] as? [String: Any] ?? [:])
    }

    /// `GET /instance/connect/{instance}`: a fresh QR code or pairing code.
    func connect(instance: String) async throws(GatewayError) -> Link {
        Self.link(try await call(.get, "/instance/connect/" + Self.segment(instance), nil))
    }

    /// `GET /instance/connectionState/{instance}`: `open`, `connecting` or `close`.
    func connectionState(instance: String) async throws(GatewayError) -> String {
        let answer = try await call(.get, "/instance/connectionState/" + Self.segment(instance), nil)
        guard let state = (answer["instance"] as? [String: Any])?["state"] as? String else { throw .malformedResponse }
        return state
    }

    /// `POST /chat/sendPresence/{instance}`: shows `presence` (`composing`) to `number` for `delay`.
    func sendPresence(instance: String, number: String, presence: String = "composing", delay: Duration) async throws(GatewayError) {
        _ = try await call(.post, "/chat/sendPresence/" + Self.segment(instance), [
            "number": number, "presence": presence, "delay": Self.milliseconds(delay),
        ])
    }

    /// `POST /message/sendText/{instance}`: sends `text`; answers the gateway's message id (`key.id`).
    func sendText(instance: String, number: String, text: String) async throws(GatewayError) -> String {
        let answer = try await call(.post, "/message/sendText/" + Self.segment(instance), ["number": number, "text": text])
        guard let id = (answer["key"] as? [String: Any])?["id"] as? String, !id.isEmpty else { throw .malformedResponse }
        return id
    }

    /// A text the instance sent, as `findMessages` lists it.
    struct SentText: Sendable, Hashable {
        let id: String
        let text: String
        let sentAt: Date
    }

    /// `POST /chat/findMessages/{instance}`: the texts the instance sent to `number` (`key.fromMe`), as the gateway
    /// stored them. What reconciles a send whose answer never came back (Evolution keeps sent messages when its
    /// database is on, which the platform's gateway needs for this).
    func sentTexts(instance: String, number: String) async throws(GatewayError) -> [SentText] {
        let answer = try await call(.post, "/chat/findMessages/" + Self.segment(instance), [
            "where": ["key": ["remoteJid": number + "@s.whatsapp.net", "fromMe": true]], "page": 1, "offset": 100,
        ])
        guard let records = (answer["messages"] as? [String: Any])?["records"] as? [Any] else { throw .malformedResponse }
        return records.compactMap { record -> SentText? in
            guard let record = record as? [String: Any], let key = record["key"] as? [String: Any],
                  key["fromMe"] as? Bool == true, let id = key["id"] as? String,
                  let message = record["message"] as? [String: Any]
            else { return nil }
            let text = message["conversation"] as? String
                ?? (message["extendedTextMessage"] as? [String: Any])?["text"] as? String
            let seconds = (record["messageTimestamp"] as? NSNumber)?.doubleValue ?? (record["messageTimestamp"] as? String).flatMap(Double.init)
            guard let text, let seconds else { return nil }
            return SentText(id: id, text: text, sentAt: Date(timeIntervalSince1970: seconds))
        }
    }

    /// `DELETE /instance/logout/{instance}` then `DELETE /instance/delete/{instance}`; an instance the gateway
    /// no longer knows counts as deleted.
    func deleteInstance(instance: String) async throws(GatewayError) {
        for path in ["/instance/logout/", "/instance/delete/"] {
            do {
                _ = try await call(.delete, path + Self.segment(instance), nil)
            } catch .unknownInstance {
            } catch .rejected(status: 400) where path.hasPrefix("/instance/logout") {
                // Evolution answers 400 to a logout of an instance that is not connected.
            }
        }
    }

    private func call(_ method: HTTPMethod, _ path: String, _ body: [String: Any]?) async throws(GatewayError) -> [String: Any] {
        var headers: HTTPHeaders = ["apikey": apiKey.value, "Accept": "application/json"]
        var bytes: [UInt8] = []
        if let body {
            headers.add(name: "Content-Type", value: "application/json")
            bytes = Array((try? JSONSerialization.data(withJSONObject: body)) ?? Data())
        }
        let response: HTTPClientResponse
        do {
            let request = try HTTPClientRequest(method: method, url: baseURL + path, headers: headers, body: bytes)
            response = try await http.send(request, timeout: timeout)
        } catch {
            throw .transport(error.code)
        }
        let json = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]
        switch response.status {
        case 200..<300: return json ?? [:]
        case 401, 403: throw .unauthorized(status: response.status)
        case 404: throw .unknownInstance
        case 429: throw .rateLimited
        case 400 where Self.saysNotOnWhatsApp(json): throw .notOnWhatsApp
        case 500...: throw .serverError(status: response.status)
        default: throw .rejected(status: response.status)
        }
    }

    /// Evolution's answer for a number without WhatsApp: `{"response":{"message":[{"exists":false,…}]}}`.
    private static func saysNotOnWhatsApp(_ json: [String: Any]?) -> Bool {
        let messages = (json?["response"] as? [String: Any])?["message"] as? [Any] ?? []
        return messages.contains { ($0 as? [String: Any])?["exists"] as? Bool == false }
    }

    private static func link(_ object: [String: Any]) -> Link {
        Link(qrCode: object["base64"] as? String, pairingCode: object["pairingCode"] as? String)
    }

    /// An instance name as one path segment (ours are `wai_` and base62, so this is a guard, not an escape).
    private static func segment(_ name: String) -> String {
        name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? name
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
