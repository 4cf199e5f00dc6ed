import Contracts
import ServiceKit

/// Where a social sign-in may send the browser back, and how parameters are added to a URL.
enum SocialRedirect {
    /// `requested` (or the site URL when nil) if it is the project's `site_url`, admitted by its
    /// `redirect_allow_list` (``LinkRedirect/isAllowed(_:by:)``), or — for a project with neither — a
    /// `http://localhost[:port]` URL (development).
    /// - Throws: `VALIDATION_FAILED` (`redirect_to`) otherwise.
    static func validated(_ requested: String?, settings: IdentitySettings) throws(PublicError) -> String {
        let refused = PublicError.validation("redirect_to", "The redirect is not the project's site URL or in its allow-list.")
        guard let candidate = requested ?? settings.siteURL, LinkRedirect.isSafe(candidate) else { throw refused }
        if candidate == settings.siteURL || LinkRedirect.isAllowed(candidate, by: settings.redirectAllowList) {
            return candidate
        }
        if settings.siteURL == nil, settings.redirectAllowList.isEmpty, isLocalhost(candidate) { return candidate }
        throw refused
    }

    /// Whether `url` is `http://localhost` with an optional port, then the end, `/`, `?` or `#`.
    static func isLocalhost(_ url: String) -> Bool {
        let prefix = "http://localhost"
        guard url.lowercased().hasPrefix(prefix) else { return false }
        var rest = url.dropFirst(prefix.count)
        if rest.first == ":" {
            rest = rest.dropFirst()
            let digits = rest.prefix(while: \.isASCII).prefix(while: \.isNumber)
            guard (1...5).contains(digits.count) else { return false }
            rest = rest.dropFirst(digits.count)
        }
        return rest.isEmpty || rest.first == "/" || rest.first == "?" || rest.first == "#"
    }

    /// `base` with `parameters` (form-encoded) added to its query, before any fragment.
    static func appending(_ parameters: [(String, String)], to base: String) -> String {
        var head = Substring(base)
        var fragment: Substring = ""
        if let hash = base.firstIndex(of: "#") {
            head = base[..<hash]
            fragment = base[hash...]
        }
        let separator = head.contains("?") ? (head.hasSuffix("?") || head.hasSuffix("&") ? "" : "&") : "?"
        let query = parameters.map { "\(PercentEncoding.encode($0.0))=\(PercentEncoding.encode($0.1))" }.joined(separator: "&")
        return "\(head)\(separator)\(query)\(fragment)"
    }
}
