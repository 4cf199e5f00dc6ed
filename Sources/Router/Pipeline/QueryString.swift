import Wire

/// The Router's one query-string rule, used by every route (pagination, `?status=`, `?grant_type=`).
///
/// - Pairs are separated by `&`; a pair without `=` has the empty value; `+` is a space, then `%XX` escapes
///   are decoded (names and values alike).
/// - A repeated parameter: the **last** value wins (as Stripe's Rack-based parser does for scalars).
/// - A value with a malformed escape or bytes that are not UTF-8: 400 `VALIDATION_FAILED` naming the
///   parameter. Parameters a route does not read are ignored, as unknown ones are.
///
/// ```swift
/// let status = try request.queryParameter("status")   // "?status=sent&status=failed" → "failed"
/// ```
extension HTTPRequest {
    /// The value of query parameter `name` by the rule above; nil when absent.
    func queryParameter(_ name: String) throws(RouterError) -> String? {
        guard let query, !query.isEmpty else { return nil }
        var raw: Substring?
        var found = false
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let equals = pair.utf8.firstIndex(of: UInt8(ascii: "="))
            let key = equals.map { pair[..<$0] } ?? pair
            guard Self.formDecoded(key) == name else { continue }
            found = true
            raw = equals.map { pair[pair.utf8.index(after: $0)...] } ?? ""
        }
        guard found, let raw else { return nil }
        guard let value = Self.formDecoded(raw) else {
            throw RouterError.validation(name, "The query parameter \(name) is not validly percent-encoded UTF-8.")
        }
        return value
    }

    /// `+` as a space, then percent-decoding; nil on a malformed escape or bytes that are not UTF-8.
    static func formDecoded(_ text: Substring) -> String? {
        guard text.utf8.contains(UInt8(ascii: "+")) else { return HTTPRequest.percentDecoded(text) }
        return HTTPRequest.percentDecoded(text.replacingOccurrences(of: "+", with: " "))
    }
}
