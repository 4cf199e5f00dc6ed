import Foundation

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
    /// Each segment's literal UTF-8 bytes, nil for a parameter (matching compares bytes).
    private let literals: [[UInt8]?]

    /// Parses `text` (`/a/{b}`).
    init(_ text: String) {
        self.text = text
        self.segments = text.split(separator: "/", omittingEmptySubsequences: true).map { part in
            part.hasPrefix("{") && part.hasSuffix("}")
                ? .parameter(String(part.dropFirst().dropLast())) : .literal(String(part))
        }
        self.literals = self.segments.map { segment in
            if case .literal(let text) = segment { Array(text.utf8) } else { nil }
        }
    }

    /// The parameter names, in order.
    var parameterNames: [String] {
        segments.compactMap { if case .parameter(let name) = $0 { name } else { nil } }
    }

    /// The captured parameters when the segments of `path` at `ranges` (already percent-decoded and split)
    /// match, else nil. Literal segments are compared byte for byte.
    func match(_ path: UnsafeBufferPointer<UInt8>, segments ranges: [Range<Int>]) -> [String: String]? {
        guard ranges.count == literals.count else { return nil }
        for index in literals.indices {
            guard let literal = literals[index] else { continue }
            let range = ranges[index]
            guard range.count == literal.count else { return nil }
            let equal = literal.withUnsafeBufferPointer { literal in
                range.count == 0 || memcmp(literal.baseAddress!, path.baseAddress! + range.lowerBound, range.count) == 0
            }
            guard equal else { return nil }
        }
        var parameters: [String: String] = [:]
        for index in segments.indices {
            guard case .parameter(let name) = segments[index] else { continue }
            let range = ranges[index]
            guard !range.isEmpty else { return nil }
            parameters[name] = String(decoding: UnsafeBufferPointer(rebasing: path[range]), as: UTF8.self)
        }
        return parameters
    }

    var description: String { text }
}
