internal import CLibPQ

/// How to reach a PostgreSQL server and how large the pool may grow.
///
/// The URL is handed to libpq unchanged (`postgres://user:pass@host:port/db?sslmode=require`), so every
/// libpq URI parameter works. The URL holds a password: it is never part of a description or an error;
/// ``redactedTarget`` (`host:port/db`) is what logs may show.
///
/// ```swift
/// var config = try PostgresConfiguration(url: environment["DATABASE_URL"] ?? "")
/// config.maxConnections = 20
/// let pool = PostgresPool(configuration: config)
/// ```
public struct PostgresConfiguration: Sendable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The libpq connection URI. Secret: never log it.
    public let url: String
    /// `host:port/db` without user or password, for logs and errors.
    public let redactedTarget: String
    /// How long one connection attempt may take (libpq `connect_timeout`, whole seconds, at least 1).
    public var connectTimeout: Duration = .seconds(10)
    /// The most connections the pool opens at once (clamped to 1...1000).
    public var maxConnections: Int = 10 {
        didSet { self.maxConnections = min(max(self.maxConnections, 1), 1000) }
    }
    /// How long a caller waits for a free connection before failing with ``PostgresError/Code/poolTimeout``.
    public var acquireTimeout: Duration = .seconds(5)
    /// How many statements each connection keeps prepared (least recently used evicted first); every
    /// parameterized statement is prepared on first use and only executed afterwards, sparing the server a
    /// parse and plan per call. 0 sends every statement unnamed (e.g. behind a transaction-pooling proxy,
    /// which cannot keep a session's prepared statements).
    public var statementCacheCapacity: Int = 256 {
        didSet { self.statementCacheCapacity = max(self.statementCacheCapacity, 0) }
    }
    /// Plans every execution of a prepared statement with its parameter values (`plan_cache_mode =
    /// force_custom_plan`, set once per session): parsing is still saved, never a plan chosen without the
    /// values. For SQL whose best plan depends on them, e.g. Vault's filters, where a parameter that is folded
    /// into a constant lets PostgreSQL match an expression index. Off: PostgreSQL's default, which may settle
    /// on one generic plan after five executions.
    public var plansEveryExecution: Bool = false
    /// Sent as `application_name` so the server's `pg_stat_activity` shows who is connected,
    /// unless the URL sets one.
    public var applicationName: String = "purrpurr"

    /// Validates `url` with libpq's own parser.
    /// - Throws: ``PostgresError/Code/invalidConfiguration`` if libpq cannot parse it (the message names no part of it).
    public init(url: String) throws {
        guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
            throw PostgresError(.invalidConfiguration, reason: "URL must start with postgres:// or postgresql://")
        }
        guard let options = fileprivateParseConnectionInfo(url) else {
            throw PostgresError(.invalidConfiguration, reason: "libpq cannot parse the connection URL")
        }
        self.url = url
        let host = options["host"] ?? options["hostaddr"] ?? "localhost"
        let port = options["port"] ?? "5432"
        let database = options["dbname"] ?? options["user"] ?? ""
        self.redactedTarget = "\(host):\(port)/\(database)"
    }

    /// Shows only the redacted target and the pool limits.
    public var description: String {
        "PostgresConfiguration(target: \(self.redactedTarget), maxConnections: \(self.maxConnections))"
    }

    /// Same as ``description``.
    public var debugDescription: String { self.description }

    /// A mirror without the URL, so `dump` and debuggers cannot print the password either.
    public var customMirror: Mirror {
        Mirror(self, children: [
            "redactedTarget": self.redactedTarget,
            "maxConnections": self.maxConnections,
            "connectTimeout": self.connectTimeout,
            "acquireTimeout": self.acquireTimeout,
            "statementCacheCapacity": self.statementCacheCapacity,
            "plansEveryExecution": self.plansEveryExecution,
        ])
    }

    /// The keyword/value pairs for `PQconnectdbParams` with `expand_dbname = 1`. Our defaults come
    /// before the URL so the URL can override them; the connect timeout and the UTF-8 client encoding (which
    /// text decoding relies on) come after, so they always win.
    var connectionParameters: [(String, String)] {
        let seconds = max(1, Int(self.connectTimeout.components.seconds))
        return [
            ("application_name", self.applicationName),
            ("keepalives", "1"),
            ("keepalives_idle", "30"),
            ("keepalives_interval", "10"),
            ("keepalives_count", "3"),
            ("dbname", self.url),
            ("connect_timeout", String(seconds)),
            ("client_encoding", "UTF8"),
        ]
    }
}

/// Parses a conninfo string or URI with libpq; returns the keywords it set, or nil if it is malformed.
fileprivate func fileprivateParseConnectionInfo(_ url: String) -> [String: String]? {
    var errorMessage: UnsafeMutablePointer<CChar>?
    guard let options = PQconninfoParse(url, &errorMessage) else {
        if let errorMessage { PQfreemem(errorMessage) }
        return nil
    }
    defer { PQconninfoFree(options) }
    var result: [String: String] = [:]
    var option = options
    while let keyword = option.pointee.keyword {
        if let value = option.pointee.val {
            result[String(cString: keyword)] = String(cString: value)
        }
        option += 1
    }
    return result
}
