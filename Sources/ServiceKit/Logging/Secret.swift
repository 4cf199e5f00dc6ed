/// A value that must never appear in logs, error messages or encoded output.
///
/// `Secret` prints as `***` through every path Swift offers for turning a value into text
/// (`description`, `debugDescription`, string interpolation, `dump`/`Mirror`), is deliberately **not**
/// `Encodable`, and logs as ``LogValue/redacted``. Read the wrapped value with ``value`` only where it is
/// actually used (a password check, a connection string handed to libpq).
///
/// ```swift
/// let token = Secret("s3cr3t-admin-token")
/// "\(token)"                           // "***"
/// logger.info("token loaded", metadata: [LogKey("admin.token"): token.logValue])  // the field is "***"
/// guard constantTimeEquals(presented, token.value) else { ... }
/// ```
public struct Secret<Value>: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The wrapped value. Every read is a place where the secret leaves its wrapper: keep them few.
    public let value: Value

    /// Wraps `value`.
    public init(_ value: Value) {
        self.value = value
    }

    /// Always `***`.
    public var description: String { "***" }

    /// Always `***`.
    public var debugDescription: String { "***" }

    /// A mirror without children, so `dump` and reflection cannot reach the value.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }

    /// Always ``LogValue/redacted``.
    public var logValue: LogValue { .redacted }
}

extension Secret: Sendable where Value: Sendable {}
