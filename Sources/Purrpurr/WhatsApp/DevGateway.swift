#if canImport(Glibc)
import Glibc
#endif
import Foundation
import ServiceKit
import Wire

/// A development WhatsApp gateway that speaks the Evolution API v2 paths CommsService calls — the way the mail
/// catcher stands in for an SMTP relay. Instances are `open` at once (a `CONNECTION_UPDATE` is posted to the
/// instance's webhook), texts are stored as JSON files in a folder (`purrpurr whatsapp` lists them) and
/// acknowledged with a `MESSAGES_UPDATE` `DELIVERY_ACK`, and listed by `findMessages` (how SmartSend reconciles a
/// send whose answer was lost). Every request needs the `apikey` header.
///
/// Tests run it as a separate process (`purrpurr whatsapp-gateway --control`) and use its control routes:
/// `GET /_control/calls` (every call with its time, so pacing is measured at the gateway), `POST /_control/force`
/// `{"path_prefix","status","count"}` (the next calls answer that status: 401, 429, 500…) and
/// `POST /_control/event` `{"instance","event","data"}` (posts a gateway event to the instance's webhook, e.g.
/// a `connection.update` with `statusReason` 401 for a ban). A number ending in `000` is "not on WhatsApp".
struct DevGateway: HTTPResponder {
    /// The instances and the call log.
    let state: DevGatewayState
    /// The `apikey` every call must carry.
    let apiKey: String
    /// Where texts are stored, one JSON file each.
    let directory: String
    /// Whether the control routes answer.
    let control: Bool
    /// Posts events to instances' webhooks.
    let client: HTTPClient

    func respond(to request: HTTPRequest, context: HTTPRequestContext) async -> HTTPResponse {
        let path = String(request.path)
        if control, path.hasPrefix("/_control/") { return await controlRoute(request, path: path) }
        let body = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any] ?? [:]
        let segments = path.split(separator: "/").map(String.init)
        let instance = segments.count == 3 ? segments[2].removingPercentEncoding : nil
        state.record(.init(
            method: request.method.rawValue, path: "/" + segments.prefix(2).joined(separator: "/"),
            instance: instance ?? (body["instanceName"] as? String), number: body["number"] as? String,
            presence: body["presence"] as? String, at: Date().timeIntervalSince1970))
        guard let presented = request.headers["apikey"],
              ConstantTime.equals(Array(presented.utf8), Array(apiKey.utf8))
        else { return Self.error(401, "Unauthorized", "Unauthorized") }
        if let forced = state.forcedStatus(for: path) { return Self.error(forced, "Forced", "forced by the test") }
        switch (request.method, segments.first, segments.dropFirst().first) {
        case (.post, "instance", "create"): return create(body)
        case (.get, "instance", "connect"): return connect(instance)
        case (.get, "instance", "connectionState"):
            guard let instance, let known = state.instance(instance) else { return Self.notFound(instance) }
            return Self.json(["instance": ["instanceName": instance, "state": known.state]])
        case (.post, "chat", "sendPresence"):
            guard let instance, state.instance(instance) != nil else { return Self.notFound(instance) }
            return Self.json(["presence": body["presence"] ?? "composing"], status: 201)
        case (.post, "message", "sendText"): return await sendText(instance, body)
        case (.post, "chat", "findMessages"): return findMessages(instance, body)
        case (.delete, "instance", "logout"):
            guard let instance, state.setState(instance, "close") else { return Self.notFound(instance) }
            return Self.json(["status": "SUCCESS", "error": false, "response": ["message": "Instance logged out"]])
        case (.delete, "instance", "delete"):
            guard let instance, state.remove(instance) else { return Self.notFound(instance) }
            return Self.json(["status": "SUCCESS", "error": false, "response": ["message": "Instance deleted"]])
        default:
            return Self.error(404, "Not Found", "Cannot \(request.method.rawValue) \(path)")
        }
    }

    private func create(_ body: [String: Any]) -> HTTPResponse {
        guard let name = body["instanceName"] as? String, !name.isEmpty else {
            return Self.error(400, "Bad Request", ["instanceName is required"])
        }
        let webhook = (body["webhook"] as? [String: Any])?["url"] as? String
        let id = UUID().uuidString.lowercased()
        guard state.add(name: name, .init(id: id, webhookURL: webhook, state: "open")) else {
            return Self.error(403, "Forbidden", ["This name \"\(name)\" is already in use."])
        }
        post(event: "connection.update", instance: name, data: ["instance": name, "state": "open", "statusReason": 200])
        return Self.json([
            "instance": ["instanceName": name, "instanceId": id, "integration": "WHATSAPP-BAILEYS", "status": "open"],
            "hash": UUID().uuidString, "qrcode": Self.qrCode(name),
        ], status: 201)
    }

    private func connect(_ instance: String?) -> HTTPResponse {
        guard let instance, state.instance(instance) != nil else { return Self.notFound(instance) }
        return Self.json(Self.qrCode(instance))
    }

    private func sendText(_ instance: String?, _ body: [String: Any]) async -> HTTPResponse {
        guard let instance, state.instance(instance) != nil else { return Self.notFound(instance) }
        guard let number = body["number"] as? String, let text = body["text"] as? String else {
            return Self.error(400, "Bad Request", ["number and text are required"])
        }
        let digits = number.filter(\.isNumber)
        if digits.hasSuffix("000") {
            return Self.error(400, "Bad Request", [["jid": "\(digits)@s.whatsapp.net", "exists": false, "number": digits]])
        }
        let sequence = state.nextMessageNumber()
        let id = "BAE5" + String(format: "%012X", sequence)
        let at = Date()
        let stored: [String: Any] = [
            "id": id, "instance": instance, "to": digits, "text": text, "at": at.formatted(.iso8601),
        ]
        let name = String(format: "%.6f", at.timeIntervalSince1970) + "-" + id + ".json"
        if let data = try? JSONSerialization.data(withJSONObject: stored, options: [.sortedKeys]) {
            Self.write(data, to: (directory as NSString).appendingPathComponent(name))
        }
        state.recordSent(.init(id: id, instance: instance, number: digits, text: text, timestamp: Int(at.timeIntervalSince1970)))
        post(event: "messages.update", instance: instance, data: [
            "keyId": id, "remoteJid": "\(digits)@s.whatsapp.net", "fromMe": true, "status": "DELIVERY_ACK",
            "instanceId": state.instance(instance)?.id ?? "",
        ])
        return Self.json([
            "key": ["remoteJid": "\(digits)@s.whatsapp.net", "fromMe": true, "id": id],
            "message": ["conversation": text], "messageTimestamp": Int(at.timeIntervalSince1970), "status": "PENDING",
        ], status: 201)
    }

    /// `POST /chat/findMessages/{instance}` with `where.key.remoteJid`: the texts sent to that chat, newest first,
    /// in Evolution v2's page shape (`messages.records`).
    private func findMessages(_ instance: String?, _ body: [String: Any]) -> HTTPResponse {
        guard let instance, state.instance(instance) != nil else { return Self.notFound(instance) }
        let key = ((body["where"] as? [String: Any])?["key"] as? [String: Any]) ?? [:]
        guard let jid = key["remoteJid"] as? String else { return Self.error(400, "Bad Request", ["where.key.remoteJid is required"]) }
        let number = String(jid.prefix { $0 != "@" })
        let records: [[String: Any]] = state.sentTexts(instance: instance, number: number).map {
            ["id": $0.id, "key": ["id": $0.id, "fromMe": true, "remoteJid": jid], "messageType": "conversation",
             "message": ["conversation": $0.text], "messageTimestamp": $0.timestamp, "source": "unknown"]
        }
        return Self.json(["messages": ["total": records.count, "pages": 1, "currentPage": 1, "records": records]])
    }

    /// Posts `event` to `instance`'s webhook in the background, as Evolution does (its answer is not waited for).
    func post(event: String, instance: String, data: [String: Any]) {
        guard let url = state.instance(instance)?.webhookURL,
              let body = try? JSONSerialization.data(withJSONObject: [
                  "event": event, "instance": instance, "data": data,
                  "date_time": Date().formatted(.iso8601), "sender": "dev-gateway",
              ]),
              let request = try? HTTPClientRequest(
                  method: .post, url: url, headers: ["Content-Type": "application/json"], body: Array(body))
        else { return }
        let client = client
        Task { _ = try? await client.send(request, timeout: .seconds(10)) }
    }

    private func controlRoute(_ request: HTTPRequest, path: String) async -> HTTPResponse {
        let body = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any] ?? [:]
        switch (request.method, path) {
        case (.get, "/_control/calls"):
            return Self.json(["data": state.calls.map(\.json)])
        case (.post, "/_control/force"):
            guard let prefix = body["path_prefix"] as? String, let status = body["status"] as? Int else {
                return Self.error(400, "Bad Request", "path_prefix and status are required")
            }
            state.force(.init(pathPrefix: prefix, status: status, count: body["count"] as? Int ?? 1))
            return Self.json([:])
        case (.post, "/_control/event"):
            guard let instance = body["instance"] as? String, let event = body["event"] as? String,
                  let data = body["data"] as? [String: Any]
            else { return Self.error(400, "Bad Request", "instance, event and data are required") }
            if event == "connection.update", let newState = data["state"] as? String { state.setState(instance, newState) }
            post(event: event, instance: instance, data: data)
            return Self.json([:])
        default:
            return Self.error(404, "Not Found", "no such control route")
        }
    }

    /// Writes a stored text owner-only, in one `write(2)`: no temporary file and no `fsync` (FileManager's
    /// `createFile` does both, and ICU's date formatter besides was most of this gateway's cost per text).
    private static func write(_ data: Data, to path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        _ = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    }

    /// A QR code as Evolution gives it: a `data:` URL of a PNG, with a pairing code.
    private static func qrCode(_ instance: String) -> [String: Any] {
        // A 1×1 transparent PNG: the development gateway has no phone to link.
        let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
        let pairing = String(UUID().uuidString.filter(\.isLetter).prefix(8)).uppercased()
        return ["pairingCode": pairing, "code": "2@dev-\(instance)", "base64": "data:image/png;base64,\(png)", "count": 1]
    }

    private static func notFound(_ instance: String?) -> HTTPResponse {
        error(404, "Not Found", ["The \"\(instance ?? "")\" instance does not exist"])
    }

    /// Evolution's error shape: `{"status","error","response":{"message":…}}`.
    private static func error(_ status: Int, _ error: String, _ message: Any) -> HTTPResponse {
        json(["status": status, "error": error, "response": ["message": message]], status: status)
    }

    private static func json(_ object: [String: Any], status: Int = 200) -> HTTPResponse {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        var response = HTTPResponse.json(String(decoding: data, as: UTF8.self))
        response.status = HTTPResponse.Status(code: status)
        return response
    }
}
