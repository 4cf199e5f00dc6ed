import Foundation

/// Reads typed values from an environment dictionary, collecting every problem instead of stopping at
/// the first. Read all variables, then call ``finish()``, which throws a ``ConfigurationError`` naming
/// them all.
///
/// A variable set to the empty string counts as unset. Getters with a default return it when the
/// variable is unset *or* invalid (the problem is still recorded); getters for required values return
/// `nil` exactly when they recorded a problem, so after ``finish()`` they can be unwrapped.
///
/// ```swift
/// init(environment: [String: String]) throws {
///     var reader = EnvironmentReader(environment)
///     let port = reader.port("PURRPURR_HTTP_PORT", default: 8080)
///     let token = reader.secret("PURRPURR_ADMIN_TOKEN", minimumLength: 32)
///     try reader.finish()
///     self.port = port
///     self.adminToken = token!  // non-nil: finish() would have thrown
/// }
/// ```
public struct EnvironmentReader: Sendable {
    /// What to do with an integer outside its range.
    public enum RangePolicy: Sendable {
        /// Record an ``ConfigurationError/Problem/Kind/outOfRange`` problem.
        case reject
        /// Silently use the nearest bound.
        case clamp
    }

    private let environment: [String: String]
    /// The problems recorded so far.
    public private(set) var problems: [ConfigurationError.Problem] = []

    /// Creates a reader over `environment` (in `main.swift`, `ProcessInfo.processInfo.environment`).
    public init(_ environment: [String: String]) {
        self.environment = environment
    }

    /// Throws a ``ConfigurationError`` listing every problem recorded, if any.
    public func finish() throws(ConfigurationError) {
        if !problems.isEmpty {
            throw ConfigurationError(problems: problems)
        }
    }

    /// Records a problem found by the caller's own validation.
    public mutating func record(_ variable: String, _ kind: ConfigurationError.Problem.Kind, expected: String) {
        problems.append(.init(variable: variable, kind: kind, expected: expected))
    }

    /// The raw value, or nil when unset or empty.
    public func raw(_ name: String) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }

    // MARK: Strings

    /// An optional string; nil when unset.
    public func string(_ name: String) -> String? {
        raw(name)
    }

    /// A string with a default.
    public func string(_ name: String, default defaultValue: String) -> String {
        raw(name) ?? defaultValue
    }

    /// A required string; records `missing` (with `expected`) and returns nil when unset.
    public mutating func requiredString(_ name: String, expected: String) -> String? {
        guard let value = raw(name) else {
            record(name, .missing, expected: expected)
            return nil
        }
        return value
    }

    // MARK: Numbers

    /// An integer in `range`, `defaultValue` when unset. Out-of-range values are rejected or clamped.
    public mutating func integer(
        _ name: String,
        default defaultValue: Int,
        range: ClosedRange<Int>,
        outOfRange policy: RangePolicy = .reject
    ) -> Int {
        let expected = "an integer from \(range.lowerBound) to \(range.upperBound)"
        guard let text = raw(name) else { return defaultValue }
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
            record(name, .malformed, expected: expected)
            return defaultValue
        }
        if range.contains(value) { return value }
        switch policy {
        case .clamp:
            return min(max(value, range.lowerBound), range.upperBound)
        case .reject:
            record(name, .outOfRange, expected: expected)
            return defaultValue
        }
    }

    /// A TCP port (0–65535; 0 asks the system for a free one).
    public mutating func port(_ name: String, default defaultValue: Int) -> Int {
        integer(name, default: defaultValue, range: 0...65535)
    }

    /// A duration given as a non-negative number of seconds (`10`, `0.5`), which must lie in `range`.
    public mutating func duration(
        _ name: String,
        default defaultValue: Duration,
        range: ClosedRange<Double>
    ) -> Duration {
        let expected = "a number of seconds from \(Self.format(range.lowerBound)) to \(Self.format(range.upperBound))"
        guard let text = raw(name) else { return defaultValue }
        guard let seconds = Double(text.trimmingCharacters(in: .whitespaces)), seconds.isFinite else {
            record(name, .malformed, expected: expected)
            return defaultValue
        }
        guard range.contains(seconds) else {
            record(name, .outOfRange, expected: expected)
            return defaultValue
        }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    // MARK: Structured values

    /// A URL whose scheme is one of `schemes` (compared case-insensitively). `expected` describes it,
    /// e.g. `a postgres:// or postgresql:// URL`. Records `missing` or `malformed` and returns nil.
    public mutating func url(_ name: String, schemes: Set<String>, expected: String) -> URL? {
        guard let text = raw(name) else {
            record(name, .missing, expected: expected)
            return nil
        }
        guard let url = URL(string: text),
              let scheme = url.scheme?.lowercased(),
              schemes.contains(scheme),
              text.dropFirst(scheme.count).hasPrefix("://")
        else {
            record(name, .malformed, expected: expected)
            return nil
        }
        return url
    }

    /// One of an enumeration's cases by raw value (case-insensitive), `defaultValue` when unset.
    public mutating func enumeration<Value: RawRepresentable & CaseIterable>(
        _ name: String,
        default defaultValue: Value
    ) -> Value where Value.RawValue == String {
        guard let text = raw(name) else { return defaultValue }
        let wanted = text.trimmingCharacters(in: .whitespaces).lowercased()
        if let value = Value.allCases.first(where: { $0.rawValue.lowercased() == wanted }) {
            return value
        }
        let names = Value.allCases.map(\.rawValue).joined(separator: "|")
        record(name, .malformed, expected: "one of \(names)")
        return defaultValue
    }

    /// The path of an existing regular file (or a symlink to one). Records `missing` or `not found`.
    public mutating func existingFile(_ name: String, expected: String = "the path of an existing file") -> String? {
        guard let path = raw(name) else {
            record(name, .missing, expected: expected)
            return nil
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            record(name, .notFound, expected: expected)
            return nil
        }
        return path
    }

    /// A required secret of at least `minimumLength` characters. The value never appears in a problem.
    public mutating func secret(_ name: String, minimumLength: Int) -> Secret<String>? {
        let expected = "a secret of at least \(minimumLength) characters"
        guard let value = raw(name) else {
            record(name, .missing, expected: expected)
            return nil
        }
        guard value.count >= minimumLength else {
            record(name, .tooShort, expected: expected)
            return nil
        }
        return Secret(value)
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
