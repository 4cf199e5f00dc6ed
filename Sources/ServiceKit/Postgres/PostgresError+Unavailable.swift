import Contracts
import Wire

extension PostgresError {
    /// Whether the database itself is unavailable, rather than the statement wrong: no connection could be
    /// made or kept (refused, reset, timed out), no pooled connection came free in time, or the server says it
    /// is shutting down, starting up, in recovery or out of connection slots (SQLSTATE class 08, 57P01–57P03,
    /// 53300). A retry a little later may succeed.
    public var isUnavailable: Bool {
        switch code {
        case .connectionFailed, .connectionLost, .poolTimeout, .poolClosed: return true
        case .server:
            guard let sqlState else { return false }
            return sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03", "53300"].contains(sqlState)
        default: return false
        }
    }
}

/// What a Wire handler's database failure tells the caller: an unavailable database is the public
/// `SERVICE_UNAVAILABLE` (retry after a second; the Router answers 503 with `Retry-After`), anything else an
/// `internal` error whose details stay in the service's log.
extension PostgresError: WireErrorConvertible {
    public var wireError: WireError {
        guard isUnavailable else { return WireError(.internal, "internal error") }
        return PublicError(.serviceUnavailable, "The service's database is unavailable; retry shortly.", retryAfter: 1)
            .wireError
    }
}
