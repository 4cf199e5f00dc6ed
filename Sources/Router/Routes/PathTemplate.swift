/// A path with `{name}` segments, e.g. `/v1/keys/{id}/rotate`, matched segment by segment.
struct PathTemplate: Sendable, Hashable, CustomStringConvertible {
    /// One segment: literal text or a named parameter.
    enum Segment: Sendable, Hashable {
        /// Must equal the text.
        case literal(String)
        /// Matches any non-empty segment, captured under the name.
        case parameter(String)
    }

    /// The template as written (also the OpenAPI path and the metrics/log label).
    let text: String
    /// The segments.
    let segments: [Segment]

    /// Parses `text` (`/a/{b}`).
    init(_ text: String) {
        self.text = text
        self.segments = text.split(separator: "/", omittingEmptySubsequences: true).map { part in
            part.hasPrefix("{") && part.hasSuffix("}")
                ? .parameter(String(part.dropFirst().dropLast())) : .literal(String(part))
        }
    }

    /// The parameter names, in order.
    var parameterNames: [String] {
        segments.compactMap { if case .parameter(let name) = $0 { name } else { nil } }
    }

    /// The captured parameters when `path` (already percent-decoded and split) matches, else nil.
    func match(_ parts: [Substring]) -> [String: String]? {
        guard parts.count == segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, part) in zip(segments, parts) {
            switch segment {
            case .literal(let text): guard part == text else { return nil }
            case .parameter(let name):
                guard !part.isEmpty else { return nil }
                parameters[name] = String(part)
            }
        }
        return parameters
    }

    var description: String { text }
}
