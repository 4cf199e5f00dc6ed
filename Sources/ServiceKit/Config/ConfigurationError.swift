/// Everything wrong with a process's environment, found in one pass; thrown by `<Service>Config.init`.
///
/// Each problem names the variable and what was expected, never the value found (it may be a secret).
/// The bootstrap prints one line per problem and exits with ``exitStatus`` (78, `EX_CONFIG`):
///
/// ```
/// router: invalid configuration: DATABASE_URL is missing (expected a postgres:// or postgresql:// URL)
/// ```
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    /// One missing or malformed variable.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        /// What is wrong with the variable.
        public enum Kind: String, Sendable, Equatable {
            /// Not set, or set to an empty string.
            case missing
            /// Set, but not parseable as the expected type.
            case malformed
            /// Parsed, but outside the allowed range.
            case outOfRange = "out of range"
            /// A secret shorter than its minimum length.
            case tooShort = "too short"
            /// A path that names no existing file.
            case notFound = "not found"
        }

        /// The environment variable's name.
        public let variable: String
        /// What is wrong.
        public let kind: Kind
        /// What a valid value looks like, e.g. `a postgres:// or postgresql:// URL`.
        public let expected: String

        /// Creates a problem.
        public init(variable: String, kind: Kind, expected: String) {
            self.variable = variable
            self.kind = kind
            self.expected = expected
        }

        /// `VARIABLE is <kind> (expected <expected>)`.
        public var description: String {
            "\(variable) is \(kind.rawValue) (expected \(expected))"
        }
    }

    /// The sysexits.h status for a configuration error.
    public static let exitStatus: Int32 = 78

    /// Every problem found, in the order the variables were read.
    public let problems: [Problem]

    /// Creates an error; `problems` should not be empty.
    public init(problems: [Problem]) {
        self.problems = problems
    }

    /// The variables with problems, in order.
    public var variables: [String] { problems.map(\.variable) }

    /// One line per problem, each prefixed `<service>: invalid configuration: `.
    public func lines(service: String) -> [String] {
        problems.map { "\(service): invalid configuration: \($0)" }
    }

    public var description: String {
        "invalid configuration: " + problems.map(\.description).joined(separator: "; ")
    }
}
