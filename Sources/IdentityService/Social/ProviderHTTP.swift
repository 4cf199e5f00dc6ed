import Foundation
import ServiceKit
import Wire

/// Identity's calls to providers, all through the ``GuardedHTTPClient`` (so a project's `oidc` issuer cannot
/// aim the platform at internal addresses): GETs of JSON documents and the form-encoded token POST. Every
/// failure is a ``ProviderFailure`` naming what went wrong, never a token or secret.
struct ProviderHTTP: Sendable {
    let client: GuardedHTTPClient?
    /// Bounds each exchange.
    var timeout: Duration = .seconds(10)

    /// GETs `url` and parses a JSON object or array (200 only). `bearer` is sent as `Authorization: Bearer`.
    func getJSON(_ url: String, bearer: String? = nil) async throws(ProviderFailure) -> Any {
        var headers = HTTPHeaders()
        headers.add(name: "Accept", value: "application/json")
        if let bearer { headers.add(name: "Authorization", value: "Bearer " + bearer) }
        return try await json(send(.get, url, headers: headers, body: []))
    }

    /// GETs `url` and answers the body (200 only).
    func getBytes(_ url: String) async throws(ProviderFailure) -> [UInt8] {
        var headers = HTTPHeaders()
        headers.add(name: "Accept", value: "application/json")
        return try await send(.get, url, headers: headers, body: [])
    }

    /// POSTs `form` (`application/x-www-form-urlencoded`) to `url` and parses the JSON object answered.
    func postForm(_ url: String, _ form: [(String, String)]) async throws(ProviderFailure) -> [String: Any] {
        var headers = HTTPHeaders()
        headers.add(name: "Accept", value: "application/json")
        headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        let body = form.map { "\(PercentEncoding.encode($0.0))=\(PercentEncoding.encode($0.1))" }.joined(separator: "&")
        guard let object = try await json(send(.post, url, headers: headers, body: Array(body.utf8))) as? [String: Any] else {
            throw ProviderFailure("the token endpoint did not answer a JSON object")
        }
        return object
    }

    private func send(_ method: HTTPMethod, _ url: String, headers: HTTPHeaders, body: [UInt8]) async throws(ProviderFailure) -> [UInt8] {
        guard let client else { throw ProviderFailure("no HTTP client") }
        let response: HTTPClientResponse
        do {
            let request = try HTTPClientRequest(method: method, url: url, headers: headers, body: body)
            response = try await client.send(request, timeout: timeout)
        } catch {
            throw ProviderFailure("\(method.rawValue) to the provider failed: \(error.code)")
        }
        guard response.status == 200 else { throw ProviderFailure("the provider answered HTTP \(response.status)") }
        return response.body
    }

    private func json(_ bytes: [UInt8]) throws(ProviderFailure) -> Any {
        guard let value = try? JSONSerialization.jsonObject(with: Data(bytes)) else {
            throw ProviderFailure("the provider did not answer JSON")
        }
        return value
    }
}

/// A provider could not be reached or answered something unusable; `reason` is log- and audit-safe.
struct ProviderFailure: Error, Sendable, CustomStringConvertible {
    let reason: String
    init(_ reason: String) { self.reason = reason }
    var description: String { reason }
}
