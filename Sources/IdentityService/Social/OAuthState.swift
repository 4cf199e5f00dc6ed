import ServiceKit

/// The `state` sent to a provider: `<flow id>.<HMAC-SHA256(flow id)>` (base64url), keyed by a key derived
/// from the master key. The signature lets the callback refuse a forged state before touching the database;
/// the flow row behind the id binds it to the project, provider, `redirect_to`, nonce and PKCE values, and
/// makes it single use with a 10-minute life.
struct OAuthState: Sendable {
    private let key: HMACSHA256.Key

    /// A signer keyed by HMAC-SHA256(master key, a fixed label).
    init(masterKey: [UInt8]) {
        key = HMACSHA256.Key(HMACSHA256.authenticationCode(for: "purrpurr identity oauth state v1", key: masterKey))
    }

    /// The state of flow `id`.
    func sign(flowID id: String) -> String {
        id + "." + Base64URL.encode(key.authenticationCode(for: id))
    }

    /// The flow id of a state whose signature checks (constant-time), else nil.
    func flowID(of state: String) -> String? {
        guard state.utf8.count <= 200, let dot = state.lastIndex(of: ".") else { return nil }
        let id = String(state[..<dot])
        guard let mac = Base64URL.decode(state[state.index(after: dot)...]), !id.isEmpty,
              ConstantTime.equals(mac, key.authenticationCode(for: id))
        else { return nil }
        return id
    }
}
