import Contracts
import Wire

/// Where a link leads: the request's `redirect_to` if the project's allow-list admits it, else the
/// project's site URL, else nowhere (the email then carries the code alone); and how the token is appended
/// (`?token=…&type=…`).
///
/// An allow-list entry admits a URL that equals it exactly, or — when the entry ends in `/` — a URL that
/// starts with it (so the same scheme, host and port). Candidates must be absolute `http`/`https` URLs of
/// printable ASCII with a host and no user info: no backslashes, spaces, `//host` or `https:///host`.
enum LinkRedirect {
    /// The link's base for a request; nil when there is neither a redirect nor a (safe) site URL.
    /// - Throws: `VALIDATION_FAILED` (field `redirect_to`) for a redirect the allow-list does not admit.
    static func base(requested: String?, settings: IdentitySettings) throws(PublicError) -> String? {
        if let requested {
            guard isAllowed(requested, by: settings.redirectAllowList) else {
                throw PublicError.validation("redirect_to", "The redirect is not in the project's allow-list.")
            }
            return requested
        }
        return settings.siteURL.flatMap { isSafe($0) ? $0 : nil }
    }

    /// Whether `candidate` is safe and matches an entry of `allowList`.
    static func isAllowed(_ candidate: String, by allowList: [String]) -> Bool {
        guard isSafe(candidate) else { return false }
        return allowList.contains { entry in
            guard isSafe(entry) else { return false }
            if candidate == entry { return true }
            return entry.hasSuffix("/") && fileprivateAuthorityEnd(entry) < entry.utf8.count
                && candidate.hasPrefix(entry)
        }
    }

    /// Whether `url` is an absolute http(s) URL of printable ASCII with a host and no user info.
    static func isSafe(_ url: String) -> Bool {
        let bytes = Array(url.utf8)
        guard !bytes.isEmpty, bytes.count <= 2048,
              bytes.allSatisfy({ (0x21...0x7e).contains($0) && $0 != UInt8(ascii: "\\") })
        else { return false }
        let lower = url.lowercased()
        let schemeLength: Int
        if lower.hasPrefix("https://") { schemeLength = 8 } else if lower.hasPrefix("http://") { schemeLength = 7 } else {
            return false
        }
        let authority = bytes[schemeLength..<fileprivateAuthorityEnd(url)]
        guard !authority.isEmpty, !authority.contains(UInt8(ascii: "@")), authority.first != UInt8(ascii: ":")
        else { return false }
        return true
    }

    /// `base` with `token` and `type` added to its query (before any fragment).
    static func link(base: String, token: String, type: LinkType) -> String {
        SocialRedirect.appending([("token", token), ("type", type.rawValue)], to: base)
    }
}

/// The UTF-8 offset where the authority of a `scheme://authority…` URL ends (at `/`, `?`, `#`, or the end).
fileprivate func fileprivateAuthorityEnd(_ url: String) -> Int {
    let bytes = Array(url.utf8)
    guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return bytes.count }
    let start = min(colon + 3, bytes.count)
    let end = bytes[start...].firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }
    return end ?? bytes.count
}
