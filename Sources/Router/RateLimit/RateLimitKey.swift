import ServiceKit

/// Whose budget a request counts against: a project (keyed routes), or a client address or email address
/// (unkeyed routes). Keys of different scopes never share a bucket.
///
/// ```swift
/// limiter.check(key: .project(record.projectID), limit: projectLimit, now: now)
/// limiter.checkAll([(.address(peer), perAddress), (.email(body.email), perEmail)], now: now)
/// ```
struct RateLimitKey: Sendable, Hashable, CustomStringConvertible {
    /// What the value names.
    enum Scope: UInt8, Sendable, Hashable {
        /// A project id: the budget of its secret keys.
        case project
        /// A project id: the budget of its publishable keys (separate, so a key read from a browser cannot
        /// exhaust the backend's).
        case publishable
        /// A client address (IPv6 reduced to its /64).
        case address
        /// An email address, trimmed and lowercased.
        case email
        /// A client address that presented a wrong admin token (a budget of its own, see ``AdminAuthentication``).
        case adminAddress
        /// A client address's signups (`POST /v1/signup`, an hourly budget of its own).
        case signupAddress
    }

    /// The longest value kept (longer input is cut, so a bucket's size stays bounded).
    static let maximumValueLength = 320

    /// What the value names.
    let scope: Scope
    /// The normalised value.
    let value: String

    private init(scope: Scope, value: some StringProtocol) {
        self.scope = scope
        self.value = String(value.prefix(Self.maximumValueLength))
    }

    /// The budget of a project's secret keys.
    static func project(_ projectID: String) -> RateLimitKey {
        RateLimitKey(scope: .project, value: projectID)
    }

    /// The budget of a project's keys of `kind` (secret: ``project(_:)``; publishable: a bucket of its own).
    static func project(_ projectID: String, kind: APIKey.Kind) -> RateLimitKey {
        RateLimitKey(scope: kind == .secret ? .project : .publishable, value: projectID)
    }

    /// Whether the budget is a project's (shared by every Router replica, ``RateLimitSync``).
    var isProject: Bool { scope == .project || scope == .publishable }

    /// The budget of a client address. An IPv6 address counts as its /64 (a host can trivially hop inside
    /// its /64); an IPv4-mapped IPv6 address counts as the IPv4 address. Anything unparsable is used as given.
    static func address(_ address: String) -> RateLimitKey {
        RateLimitKey(scope: .address, value: ClientAddress.limitKey(address))
    }

    /// The budget of wrong admin tokens from a client address (normalised as ``address(_:)``).
    static func adminAddress(_ address: String) -> RateLimitKey {
        RateLimitKey(scope: .adminAddress, value: ClientAddress.limitKey(address))
    }

    /// The signups of a client address (normalised as ``address(_:)``).
    static func signupAddress(_ address: String) -> RateLimitKey {
        RateLimitKey(scope: .signupAddress, value: ClientAddress.limitKey(address))
    }

    /// The budget of an email address, case-insensitively and ignoring surrounding whitespace.
    static func email(_ email: String) -> RateLimitKey {
        RateLimitKey(scope: .email, value: email.trimmingWhitespace().lowercased())
    }

    /// `scope:value`, e.g. `address:2001:db8:0:1::/64`, for logs of refusals (an email address is personal
    /// data: log it with care).
    var description: String { "\(scope):\(value)" }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines (no Foundation needed).
    fileprivate func trimmingWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return self[first...last]
    }
}
