import Wire

/// A failure the client is meant to see, as the REST contract words it: a ``PublicErrorCode``, a human
/// sentence and typed context. A service throws it from a Wire handler; it crosses the mesh as the typed
/// `detail` of a ``WireError`` (`docs/wire.md` §10) and the Router answers
/// `{"error":code,"message":…,"request_id":…,"field":…,"retry_after":…}` with the code's status.
///
/// ```swift
/// throw PublicError.validation("email", "The email is not valid.")
/// throw PublicError(.insufficientCredits, "Not enough credit.", balanceCents: 120)
/// ```
///
/// The message and context reach the client: never a secret, token, password or message body. `description`
/// names the code only.
public struct PublicError: Error, Codable, Sendable, Hashable, CustomStringConvertible {
    /// The contract's code (and so the HTTP status).
    public var code: PublicErrorCode
    /// A human sentence.
    public var message: String
    /// The offending field (`VALIDATION_FAILED`), dotted for nested ones (`to.3`).
    public var field: String?
    /// Seconds until a retry may succeed (`RATE_LIMITED`, `SERVICE_UNAVAILABLE`); also the `Retry-After` header.
    public var retryAfter: Int?
    /// What the wallet has available (`INSUFFICIENT_CREDITS`).
    public var balanceCents: Int64?
    /// The document's current version (`VERSION_MISMATCH`).
    public var currentVersion: Int64?
    /// Which limit was met: a rate limit's name (`email_per_minute`) on `RATE_LIMITED`, a plan's limit on
    /// `PLAN_LIMIT_REACHED`.
    public var limit: String?
    /// The assurance level the route needs (`FORBIDDEN` for an `aal1` session).
    public var requiredAAL: String?

    /// An error with its context.
    public init(
        _ code: PublicErrorCode, _ message: String, field: String? = nil, retryAfter: Int? = nil,
        balanceCents: Int64? = nil, currentVersion: Int64? = nil, limit: String? = nil, requiredAAL: String? = nil
    ) {
        self.code = code
        self.message = message
        self.field = field
        self.retryAfter = retryAfter
        self.balanceCents = balanceCents
        self.currentVersion = currentVersion
        self.limit = limit
        self.requiredAAL = requiredAAL
    }

    /// The code only.
    public var description: String { "PublicError(\(code.rawValue))" }

    /// The context members of the JSON body, in a stable order, with their contract names.
    public var context: [(name: String, value: ContextValue)] {
        var members: [(String, ContextValue)] = []
        if let field { members.append(("field", .string(field))) }
        if let retryAfter { members.append(("retry_after", .integer(Int64(retryAfter)))) }
        if let balanceCents { members.append(("balance_cents", .integer(balanceCents))) }
        if let currentVersion { members.append(("current_version", .integer(currentVersion))) }
        if let limit { members.append(("limit", .string(limit))) }
        if let requiredAAL { members.append(("required_aal", .string(requiredAAL))) }
        return members
    }

    /// A context member's value: text or a whole number.
    public enum ContextValue: Sendable, Hashable {
        case string(String)
        case integer(Int64)
    }
}

extension PublicError {
    /// 400 `VALIDATION_FAILED` naming `field`.
    public static func validation(_ field: String, _ message: String) -> PublicError {
        PublicError(.validationFailed, message, field: field)
    }

    /// 404 `NOT_FOUND` (also for another project's ids, which must look absent).
    public static func notFound(_ message: String = "The resource does not exist.") -> PublicError {
        PublicError(.notFound, message)
    }

    /// 409 `CONFLICT`, naming the `field` whose value is taken when there is one.
    public static func conflict(_ message: String, field: String? = nil) -> PublicError {
        PublicError(.conflict, message, field: field)
    }

    /// The public error `error` is or carries: itself, or the typed detail of a ``WireError`` from a call
    /// (nil for anything else, e.g. a transport failure).
    public static func from(_ error: any Error) -> PublicError? {
        if let error = error as? PublicError { return error }
        if let wire = error as? WireError { return PublicError(wire) }
        return nil
    }
}
