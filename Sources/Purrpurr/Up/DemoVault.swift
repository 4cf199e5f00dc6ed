import Foundation

/// The demo project's sample vault collection, `notes` (anyone with the publishable key may read it), with a
/// few documents, so the banner's curl line lists something. Made once: when the collection exists already
/// (a later run, or the developer's own changes) nothing is touched.
enum DemoVault {
    /// The collection's name.
    static let collection = "notes"

    /// The sample documents, by id.
    static var documents: [(id: String, data: [String: Any])] { [
        ("welcome", ["title": "Welcome to the vault", "done": false, "priority": 1, "tags": ["start"]]),
        ("filters", ["title": "Try ?priority=gte.2 or ?done=is.true", "done": false, "priority": 2, "tags": ["lists"]]),
        ("rules", ["title": "Reads are public; writes need the secret key", "done": true, "priority": 3, "tags": ["rules"]]),
    ] }

    /// Creates the collection and its documents unless the collection exists. Best effort: a vault that does not
    /// answer does not stop `purrpurr up` (the banner line then answers the error).
    static func ensure(port: Int, secretKey: String) async {
        let headers = ["X-API-Key": secretKey]
        guard let created = try? await LocalHTTPClient.send(
            "POST", port: port, path: "/v1/vault/collections", headers: headers,
            json: ["name": collection, "rules": ["read": "public"], "indexes": [["fields": ["priority"]]]]),
            created.status == 201
        else { return }
        for document in documents {
            _ = try? await LocalHTTPClient.send(
                "PUT", port: port, path: "/v1/vault/collections/\(collection)/documents/\(document.id)", headers: headers,
                json: ["data": document.data])
        }
    }

    /// The banner's curl line that lists them.
    static func curlLine(routerURL: String, publishableKey: String) -> String {
        "  curl -s '\(routerURL)/v1/vault/collections/\(collection)/documents?order=priority.asc' -H 'X-API-Key: \(publishableKey)'"
    }
}
