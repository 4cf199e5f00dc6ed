import Foundation

/// The demo project's webhook endpoint on a local catcher: with `PURRPURR_WEBHOOK_CATCHER_URL` set (e.g.
/// `http://127.0.0.1:9000/hooks`), `purrpurr up` makes sure the demo project has an endpoint there for the
/// `email.*` events, so every demo email's outcome is POSTed to it. The secret is shown once, when the endpoint
/// is created (rotate it with `POST /v1/webhooks/endpoints/{id}/rotate` to see a new one).
struct DemoWebhookEndpoint: Sendable, Hashable {
    /// The variable naming the catcher.
    static let variable = "PURRPURR_WEBHOOK_CATCHER_URL"
    /// The events the demo endpoint gets.
    static let events = ["email.sent", "email.delivered", "email.bounced", "email.complained", "email.failed"]

    /// The endpoint id.
    let id: String
    /// The catcher's URL.
    let url: String
    /// The signing secret when this run created the endpoint, else nil.
    let secret: String?

    /// Finds the demo project's endpoint for `url`, or creates it.
    static func ensure(url: String, routerURL: String, secretKey: String) async throws -> DemoWebhookEndpoint {
        let port = Int(routerURL.split(separator: ":").last ?? "") ?? 0
        let headers = ["X-API-Key": secretKey]
        let list = try await LocalHTTPClient.send("GET", port: port, path: "/v1/webhooks/endpoints?limit=200", headers: headers)
        let existing = (list.json["data"] as? [[String: Any]] ?? []).first { $0["url"] as? String == url }
        if let id = existing?["id"] as? String { return DemoWebhookEndpoint(id: id, url: url, secret: nil) }
        let created = try await LocalHTTPClient.send(
            "POST", port: port, path: "/v1/webhooks/endpoints", headers: headers,
            json: ["url": url, "events": events, "description": "purrpurr up: \(variable)"])
        guard created.status == 201, let id = created.json["id"] as? String, let secret = created.json["secret"] as? String else {
            let message = created.json["message"] as? String ?? "HTTP \(created.status)"
            throw LauncherError("\(variable): the demo project's webhook endpoint was refused: \(message)")
        }
        return DemoWebhookEndpoint(id: id, url: url, secret: secret)
    }
}
