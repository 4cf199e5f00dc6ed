internal import COpenSSL

/// The one place that reads OpenSSL's thread-local error queue.
///
/// Call `take()` immediately after the failing OpenSSL call, on the same thread: it returns the earliest
/// queued error (usually the root cause) and then clears the whole queue, so the next OpenSSL call on this
/// thread (another session of the same event loop) starts clean, as `SSL_get_error` requires.
enum TLSErrorQueue {
    /// One OpenSSL error: library and reason codes plus OpenSSL's static reason string (never secret).
    struct Entry {
        var library: Int32
        var reason: Int32
        var text: String
    }

    /// Returns the earliest queued error, if any, and empties the queue.
    static func take() -> Entry? {
        let code = ERR_get_error()
        ERR_clear_error()
        guard code != 0 else { return nil }
        let text = ERR_reason_error_string(code).map { String(cString: $0) } ?? "error \(ERR_GET_REASON(code))"
        return Entry(library: ERR_GET_LIB(code), reason: ERR_GET_REASON(code), text: text)
    }

    /// Empties the queue without looking at it (before an `SSL_*` call whose result goes to `SSL_get_error`).
    static func clear() {
        ERR_clear_error()
    }

    /// An `invalidConfiguration` error for `what` (e.g. "private key"), with OpenSSL's reason appended.
    static func configurationError(_ what: String) -> TLSError {
        if let entry = take() {
            return TLSError(.invalidConfiguration, reason: "\(what): \(entry.text)")
        }
        return TLSError(.invalidConfiguration, reason: what)
    }
}
