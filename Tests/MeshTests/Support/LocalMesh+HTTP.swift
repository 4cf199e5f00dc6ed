import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import ServiceKit
import Testing
@testable import PurrpurrTestSupport
@testable import Purrpurr

/// An answer of the Router: status, JSON body (empty for none) and headers (lower-cased names).
/// `@unchecked`: the JSON is read-only after parsing.
struct MeshResponse: @unchecked Sendable {
    let status: Int
    let json: [String: Any]
    let headers: [String: String]
    /// The body as received.
    var body = Data()

    /// `json[name]` as a string.
    subscript(string name: String) -> String? { json[name] as? String }
    /// `json[name]` as an object.
    subscript(object name: String) -> [String: Any]? { json[name] as? [String: Any] }
}

/// A project created through the admin API, with both its keys.
struct MeshProject: Sendable {
    let id: String
    let publishableKey: String
    let secretKey: String
}

extension LocalMesh {
    /// Calls the Router: `key` as `X-API-Key`, `bearer` as `Authorization`, `admin` adds `X-Admin-Token`.
    func http(
        _ method: String, _ path: String, key: String? = nil, bearer: String? = nil, admin: Bool = false,
        body: [String: Any]? = nil, headers: [String: String] = [:], rawBody: Data? = nil
    ) async throws -> MeshResponse {
        var request = URLRequest(url: try #require(URL(string: baseURL + path)))
        request.httpMethod = method
        request.timeoutInterval = 15
        if let key { request.setValue(key, forHTTPHeaderField: "X-API-Key") }
        if let bearer { request.setValue("Bearer " + bearer, forHTTPHeaderField: "Authorization") }
        if admin { request.setValue(adminToken, forHTTPHeaderField: "X-Admin-Token") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let body { request.httpBody = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]) }
        if let rawBody { request.httpBody = rawBody }
        if request.httpBody != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        var names: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { names[name.lowercased()] = value }
        }
        let ndjson = names["content-type"]?.hasPrefix("application/x-ndjson") == true
        let object = data.isEmpty || ndjson ? [:] : (try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:])
        return MeshResponse(status: http.statusCode, json: object, headers: names, body: data)
    }

    /// Creates a project and returns its id and keys: a trial (100 metered units), or on `plan` from today.
    func createProject(_ name: String = "mesh test", plan: String? = nil) async throws -> MeshProject {
        var body: [String: Any] = ["name": name]
        if let plan { body["plan"] = plan }
        let created = try await http("POST", "/v1/admin/projects", admin: true, body: body)
        try #require(created.status == 201, "project creation: \(created.status) \(created.json)")
        let keys = try #require(created.json["keys"] as? [[String: Any]])
        func key(_ kind: String) throws -> String {
            try #require(keys.first { $0["kind"] as? String == kind }?["key"] as? String)
        }
        return MeshProject(
            id: try #require(created[object: "project"]?["id"] as? String),
            publishableKey: try key("publishable"), secretKey: try key("secret"))
    }

    /// Signs and posts an inbound webhook event of `source` with that source's secret (Standard Webhooks), as
    /// the router got it in `WEBHOOK_SECRET_<SOURCE>` (`secret`).
    func postWebhook(source: String, id: String, body: [String: Any], secret: String) async throws -> MeshResponse {
        let raw = try JSONSerialization.data(withJSONObject: body)
        let timestamp = String(Int(Date().timeIntervalSince1970))
        let key = Array(Data(base64Encoded: String(secret.dropFirst("whsec_".count))) ?? Data())
        let signature = Data(HMACSHA256.authenticationCode(for: Array("\(id).\(timestamp).".utf8) + Array(raw), key: key))
        return try await http(
            "POST", "/v1/webhooks/inbound/\(source)",
            headers: ["webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": "v1,\(signature.base64EncodedString())"],
            rawBody: raw)
    }

    /// Signs and posts an inbound `email` webhook event (Standard Webhooks, like a provider would).
    func postEmailWebhook(id: String, body: [String: Any]) async throws -> MeshResponse {
        let raw = try JSONSerialization.data(withJSONObject: body)
        let timestamp = String(Int(Date().timeIntervalSince1970))
        let signed = Array("\(id).\(timestamp).".utf8) + Array(raw)
        let signature = Data(HMACSHA256.authenticationCode(for: signed, key: webhookKey)).base64EncodedString()
        return try await http(
            "POST", "/v1/webhooks/inbound/email",
            headers: ["webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": "v1,\(signature)"],
            rawBody: raw)
    }

    /// Waits until the mail catcher holds a message to `address` whose raw text contains `marker`; returns the raw
    /// message (as stored: the envelope lines, then the message as Comms sent it).
    func waitForMail(to address: String, containing marker: String = "", timeout: Duration = .seconds(20)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let raw = try rawMail(to: address, containing: marker).last { return raw }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw MeshExpectationFailed("no mail to \(address) within \(timeout); comms log: \(log("comms").suffix(2000))")
    }

    /// Every caught message to `address` whose raw text contains `marker`, oldest first.
    func rawMail(to address: String, containing marker: String = "") throws -> [String] {
        let directory = try #require(running.mailDirectory, "the mail catcher is not running")
        return try CaughtMail.files(in: directory).sorted().compactMap { name in
            let path = name.hasPrefix("/") ? name : directory + "/" + name
            guard let raw = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
            let mail = CaughtMail(bytes: Array(raw.utf8))
            guard mail.envelopeTo.contains(address), marker.isEmpty || raw.contains(marker) else { return nil }
            return raw
        }
    }
}
