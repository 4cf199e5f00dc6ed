/// An error that crosses the wire: a stable ``Code`` (gRPC's numbering), a message and optional details.
///
///     throw WireError(.notFound, "no such user")
///
/// The `message` and `details` travel to the caller, so they must never hold a secret, token, password or
/// message body. `description` is generic (code only) so that logging an error cannot leak them either.
public struct WireError: Error, Codable, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure. The raw values are the wire numbers and never change; they match gRPC's codes.
    public enum Code: UInt8, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
        /// Not an error; never sent in an ERROR frame.
        case ok = 0
        /// The call was cancelled, typically by the caller.
        case cancelled = 1
        /// An error with no better code; also what an unknown wire number decodes as.
        case unknown = 2
        /// The request is malformed or a field is invalid, whatever the system's state.
        case invalidArgument = 3
        /// The deadline passed before the call completed (or before it started).
        case deadlineExceeded = 4
        /// A requested entity does not exist.
        case notFound = 5
        /// The entity a call tried to create already exists.
        case alreadyExists = 6
        /// The caller is known but not allowed to do this.
        case permissionDenied = 7
        /// A quota, rate limit or capacity (e.g. concurrent calls) is exhausted.
        case resourceExhausted = 8
        /// The system is not in the state the call requires; retrying will not help until it changes.
        case failedPrecondition = 9
        /// A concurrency conflict (e.g. a transaction was aborted); retry at a higher level.
        case aborted = 10
        /// A value is outside the valid range (e.g. reading past the end).
        case outOfRange = 11
        /// The method does not exist or is not implemented by this server.
        case unimplemented = 12
        /// An invariant broke inside the server.
        case `internal` = 13
        /// The service is unavailable (e.g. draining or down); safe to retry, ideally elsewhere.
        case unavailable = 14
        /// Unrecoverable data loss or corruption.
        case dataLoss = 15
        /// The caller is not authenticated.
        case unauthenticated = 16

        /// Decodes the wire number; numbers this version does not know become `.unknown` (as in gRPC).
        public init(from decoder: any Decoder) throws {
            let number = try decoder.singleValueContainer().decode(UInt8.self)
            self = Code(rawValue: number) ?? .unknown
        }

        /// Encodes the wire number.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }

        /// The gRPC-style name, e.g. `NOT_FOUND`.
        public var description: String {
            switch self {
            case .ok: "OK"
            case .cancelled: "CANCELLED"
            case .unknown: "UNKNOWN"
            case .invalidArgument: "INVALID_ARGUMENT"
            case .deadlineExceeded: "DEADLINE_EXCEEDED"
            case .notFound: "NOT_FOUND"
            case .alreadyExists: "ALREADY_EXISTS"
            case .permissionDenied: "PERMISSION_DENIED"
            case .resourceExhausted: "RESOURCE_EXHAUSTED"
            case .failedPrecondition: "FAILED_PRECONDITION"
            case .aborted: "ABORTED"
            case .outOfRange: "OUT_OF_RANGE"
            case .unimplemented: "UNIMPLEMENTED"
            case .internal: "INTERNAL"
            case .unavailable: "UNAVAILABLE"
            case .dataLoss: "DATA_LOSS"
            case .unauthenticated: "UNAUTHENTICATED"
            }
        }
    }

    /// What went wrong, in machine terms.
    public var code: Code
    /// A human-readable explanation for the caller; never a secret or a message body.
    public var message: String
    /// Optional structured context (e.g. `["field": "email"]`); same rules as `message`.
    public var details: [String: String]?
    /// An optional typed detail: a value defined by the contracts (the mesh's public error), in the binary
    /// encoding (`docs/wire.md` §10). Wire carries it as opaque bytes; same rules as `message`.
    public var detail: [UInt8]?

    /// Creates an error.
    public init(_ code: Code, _ message: String = "", details: [String: String]? = nil, detail: [UInt8]? = nil) {
        self.code = code
        self.message = message
        self.details = details
        self.detail = detail
    }

    /// Generic on purpose: the code only, never the message or details.
    public var description: String { "WireError(\(code))" }
}
