/// The name of a structured log field, a dotted lower-case name such as `request.id`.
///
/// Every key is defined once, as a static constant here or in an `extension LogKey` next to the code that
/// owns it, so that the same fact always lands in the same field:
///
/// ```swift
/// extension LogKey {
///     static let sessionID = LogKey("session.id")
/// }
/// logger.info("session revoked", metadata: [.sessionID: .string(id)])
/// ```
public struct LogKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The dotted field name written into the JSON line.
    public let name: String

    /// Creates a key. Define keys as static constants rather than spelling names inline.
    public init(_ name: String) {
        self.name = name
    }

    public var description: String { name }

    public static func < (lhs: LogKey, rhs: LogKey) -> Bool { lhs.name < rhs.name }
}

extension LogKey {
    /// The request id stamped at the edge; written as the top-level `request_id` field.
    public static let requestID = LogKey("request.id")
    /// The project (tenant) a call acts for.
    public static let projectID = LogKey("project.id")
    /// The Wire method name of a call.
    public static let wireMethod = LogKey("wire.method")
    /// A stable error code (never an error's free-form description).
    public static let errorCode = LogKey("error.code")
    /// The Swift type of an error, see ``LogValue/errorType(_:)``.
    public static let errorType = LogKey("error.type")
    /// A service name, e.g. the service being started or the calling peer.
    public static let serviceName = LogKey("service.name")
    /// The operating-system process id.
    public static let processID = LogKey("process.id")
    /// A Unix signal name such as `SIGTERM`.
    public static let signal = LogKey("signal")
    /// A duration in seconds.
    public static let durationSeconds = LogKey("duration.seconds")
}
