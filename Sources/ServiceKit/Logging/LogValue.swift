/// The value of a structured log field.
///
/// Values are built from specific types only, so logging an arbitrary value needs a deliberate choice:
/// string interpolation is not accepted (`"\(token)"` does not compile as a `LogValue`), a raw `String`
/// must be wrapped with `.string(_:)`, and a ``Secret`` always becomes ``redacted``.
public enum LogValue: Sendable, Hashable, CustomStringConvertible {
    /// A string, written as a JSON string.
    case string(String)
    /// An integer, written as a JSON number.
    case int(Int)
    /// A floating-point number, written as a JSON number (non-finite values as strings).
    case double(Double)
    /// A boolean.
    case bool(Bool)
    /// A value that was withheld; written as `"***"`.
    case redacted

    /// Redacts `secret`.
    public init<Value>(_ secret: Secret<Value>) {
        self = .redacted
    }

    /// The Swift type name of `error`: safe to log, unlike the error's description, which may carry input.
    public static func errorType(_ error: any Error) -> LogValue {
        .string(String(reflecting: type(of: error)))
    }

    /// The value as plain text (`***` for ``redacted``).
    public var description: String {
        switch self {
        case .string(let value): value
        case .int(let value): String(value)
        case .double(let value): String(value)
        case .bool(let value): String(value)
        case .redacted: "***"
        }
    }
}

extension LogValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}

extension LogValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) { self = .int(value) }
}

extension LogValue: ExpressibleByFloatLiteral {
    public init(floatLiteral value: Double) { self = .double(value) }
}

extension LogValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}
