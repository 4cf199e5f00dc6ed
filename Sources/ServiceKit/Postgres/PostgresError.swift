/// The one error type thrown by the PostgreSQL pool, transactions, row decoding and the listener.
///
/// `description` is deliberately generic: it carries the code, the SQLSTATE and schema identifiers
/// (constraint, column, type names), never the connection URL, a parameter value or the server's
/// free-text message (which can quote data, e.g. `invalid input syntax for type integer: "…"`).
/// The server's text is kept in ``serverMessage`` for callers that decide to log it.
///
/// ```swift
/// do {
///     try await pool.execute("INSERT INTO users (email) VALUES ($1)", [email])
/// } catch let error as PostgresError where error.isUniqueViolation {
///     throw ConflictError()
/// }
/// ```
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// A stable failure category. The raw numbers never change, so they may be logged or sent on the wire.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The stable number of this code.
        public let rawValue: Int

        /// Creates a code from its stable number.
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// A connection could not be established (unreachable server, refused login, connect timeout).
        public static let connectionFailed = Code(rawValue: 1)
        /// An established connection broke while a statement was running; its outcome is unknown.
        public static let connectionLost = Code(rawValue: 2)
        /// No pooled connection became free within the pool's acquire timeout.
        public static let poolTimeout = Code(rawValue: 3)
        /// The server rejected the statement; see ``PostgresError/sqlState``.
        public static let server = Code(rawValue: 4)
        /// A column could not be decoded as the requested Swift type (wrong type, NULL, malformed bytes).
        public static let decoding = Code(rawValue: 5)
        /// A parameter cannot be sent (e.g. a text value containing NUL, a JSON value that fails to encode).
        public static let invalidParameter = Code(rawValue: 6)
        /// The pool or listener was shut down.
        public static let poolClosed = Code(rawValue: 7)
        /// The calling task was cancelled before it got a connection.
        public static let cancelled = Code(rawValue: 8)
        /// A transaction handle was used after its `withTransaction` closure returned.
        public static let transactionClosed = Code(rawValue: 9)
        /// The configuration (URL, identifiers) is malformed.
        public static let invalidConfiguration = Code(rawValue: 10)
        /// libpq returned something this client does not expect (e.g. a COPY result).
        public static let unexpectedResult = Code(rawValue: 11)

        /// The code's name, e.g. `poolTimeout`.
        public var description: String {
            switch self {
            case .connectionFailed: "connectionFailed"
            case .connectionLost: "connectionLost"
            case .poolTimeout: "poolTimeout"
            case .server: "server"
            case .decoding: "decoding"
            case .invalidParameter: "invalidParameter"
            case .poolClosed: "poolClosed"
            case .cancelled: "cancelled"
            case .transactionClosed: "transactionClosed"
            case .invalidConfiguration: "invalidConfiguration"
            case .unexpectedResult: "unexpectedResult"
            default: "code\(self.rawValue)"
            }
        }
    }

    /// What went wrong.
    public var code: Code
    /// The five-character SQLSTATE the server sent (e.g. `23505` for a unique violation), if any.
    public var sqlState: String?
    /// The server's or libpq's human-readable message. May quote data values: log it with care.
    public var serverMessage: String?
    /// The server's DETAIL field. Often quotes data values (e.g. the duplicate key): log it with care.
    public var detail: String?
    /// The violated constraint's name, for integrity errors.
    public var constraint: String?
    /// The table a server error refers to, when the server names one.
    public var table: String?
    /// For ``Code/decoding``: the column (name or index). For ``Code/invalidParameter``: `$n`.
    public var column: String?
    /// A fixed, value-free explanation written by this client (e.g. `cannot decode int4 as String`).
    public var reason: String?
    /// Where the connection pointed, without credentials (`host:port/db`), for connection errors.
    public var target: String?
    /// A lower-level error, e.g. the `DecodingError` of a JSON column.
    public var underlying: (any Error & Sendable)?

    /// Creates an error; every field but the code is optional.
    public init(
        _ code: Code,
        sqlState: String? = nil,
        serverMessage: String? = nil,
        reason: String? = nil,
        column: String? = nil,
        target: String? = nil,
        underlying: (any Error & Sendable)? = nil
    ) {
        self.code = code
        self.sqlState = sqlState
        self.serverMessage = serverMessage
        self.reason = reason
        self.column = column
        self.target = target
        self.underlying = underlying
    }

    /// `true` for SQLSTATE 23505: map to a CONFLICT response.
    public var isUniqueViolation: Bool { self.sqlState == "23505" }
    /// `true` for SQLSTATE 23503 (a referenced row is missing or still referenced).
    public var isForeignKeyViolation: Bool { self.sqlState == "23503" }
    /// `true` for SQLSTATE 40001 / 40P01: the transaction may be retried as a whole.
    public var isRetryableTransactionFailure: Bool { self.sqlState == "40001" || self.sqlState == "40P01" }

    /// A generic, secret-free summary: code, SQLSTATE and identifiers only.
    public var description: String {
        var parts = ["PostgresError(\(self.code)"]
        if let sqlState { parts.append("sqlState: \(sqlState)") }
        if let constraint { parts.append("constraint: \(constraint)") }
        if let column { parts.append("column: \(column)") }
        if let reason { parts.append("reason: \(reason)") }
        if let target { parts.append("target: \(target)") }
        return parts.joined(separator: ", ") + ")"
    }
}
