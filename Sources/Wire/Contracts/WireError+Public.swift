/// The convention by which a service says *which public error* a failure is, so the Router can answer the
/// REST contract's `{"error":"UPPER_SNAKE_CODE","message":…}` without knowing the service's logic.
///
/// A service throws a ``WireError`` whose `details["error"]` is the contract's code and whose other details
/// are the error's context (e.g. `field`, `retry_after`, `limit`); the `message` is the human sentence. The
/// Router takes the HTTP status from the public code (its table), else from the Wire code.
///
/// ```swift
/// throw WireError.public(.invalidArgument, "VALIDATION_FAILED", "The email is not valid.", ["field": "email"])
/// throw WireError.public(.unauthenticated, "INVALID_CREDENTIALS", "The email or password is wrong.")
/// ```
///
/// Details and message cross the wire and reach the client: never a secret, token, password or body.
extension WireError {
    /// A failure carrying the REST contract's error code `publicCode` plus context.
    public static func `public`(
        _ code: Code, _ publicCode: String, _ message: String, _ context: [String: String] = [:]
    ) -> WireError {
        var details = context
        details["error"] = publicCode
        return WireError(code, message, details: details)
    }

    /// The contract's error code, when the service set one.
    public var publicCode: String? { details?["error"] }

    /// 400 `VALIDATION_FAILED` naming `field`.
    public static func validation(_ field: String, _ message: String) -> WireError {
        .public(.invalidArgument, "VALIDATION_FAILED", message, ["field": field])
    }

    /// 404 `NOT_FOUND` (also for another project's ids, which must look absent).
    public static func notFound(_ message: String = "The resource does not exist.") -> WireError {
        .public(.notFound, "NOT_FOUND", message)
    }
}
