import Foundation
import Synchronization
import Wire

/// GitHub's OAuth and REST endpoints as a test server (real HTTP on loopback): `POST /login/oauth/access_token`
/// (checks the client, the code and the PKCE verifier's presence), `GET /user` and `GET /user/emails` for the
/// bearer token it issued. `emails` is what `/user/emails` answers. It also serves an OpenID discovery document
/// (issuer: its base URL), so authorize URLs of OpenID providers can be checked against it.
final class FakeGitHub: HTTPResponder, Sendable {
    let emails = Mutex<[[String: Any]]>([])
    /// What `/jwks` answers, and how often it was asked.
    let jwks = Mutex<[UInt8]>(Array(#"{"keys":[]}"#.utf8))
    let jwksFetches = Mutex(0)
    let userID = 583231
    private let tokens = Mutex<Set<String>>([])
    private let group: EventLoopGroup
    private let server = Mutex<HTTPServer?>(nil)

    init() throws {
        group = try EventLoopGroup(loopCount: 1)
        let server = try HTTPServer(host: "127.0.0.1", port: 0, group: group, responder: self)
        self.server.withLock { $0 = server }
    }

    var base: String { "http://127.0.0.1:\(server.withLock { $0!.port })" }

    func respond(to request: HTTPRequest, context: HTTPRequestContext) async -> HTTPResponse {
        switch (request.method, String(request.path)) {
        case (.post, "/login/oauth/access_token"):
            let body = String(decoding: request.body, as: UTF8.self)
            guard body.contains("client_id=gh-client"), body.contains("client_secret=gh-secret"),
                  body.contains("code=good-code"), body.contains("code_verifier=")
            else { return Self.json(["error": "bad_verification_code"]) }
            let token = "gho_" + UUID().uuidString
            tokens.withLock { _ = $0.insert(token) }
            return Self.json(["access_token": token, "token_type": "bearer", "scope": "read:user,user:email"])
        case (.get, "/.well-known/openid-configuration"):
            return Self.json([
                "issuer": base, "authorization_endpoint": base + "/authorize", "token_endpoint": base + "/token",
                "jwks_uri": base + "/jwks",
            ])
        case (.get, "/jwks"):
            jwksFetches.withLock { $0 += 1 }
            var response = HTTPResponse(status: .ok, body: jwks.withLock { $0 })
            response.headers.add(name: "Content-Type", value: "application/json")
            return response
        case (.get, "/user"), (.get, "/user/emails"):
            let bearer = request.headers["Authorization"]?.replacingOccurrences(of: "Bearer ", with: "") ?? ""
            guard tokens.withLock({ $0.contains(bearer) }) else { return Self.json(["message": "Bad credentials"], status: 401) }
            if request.path == "/user" { return Self.json(["id": userID, "login": "octocat", "email": NSNull()]) }
            return Self.json(emails.withLock { $0 })
        default:
            return Self.json(["message": "Not Found"], status: 404)
        }
    }

    func stop() async {
        if let server = server.withLock({ $0 }) { await server.shutdown(timeout: .seconds(1)) }
        let group = self.group
        await withCheckedContinuation { done in
            Thread.detachNewThread {
                group.syncShutdownGracefully()
                done.resume()
            }
        }
    }

    private static func json(_ value: Any, status: Int = 200) -> HTTPResponse {
        var response = HTTPResponse(
            status: .init(code: status), body: Array((try? JSONSerialization.data(withJSONObject: value)) ?? Data()))
        response.headers.add(name: "Content-Type", value: "application/json")
        return response
    }
}
