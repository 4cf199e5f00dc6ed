/// Why a ``ServiceGroup`` did not stop cleanly. Descriptions name services and error types only, never
/// an underlying error's text (it may carry input or secrets).
public enum ServiceGroupError: Error, CustomStringConvertible {
    /// A service threw; the group was shut down.
    case serviceFailed(service: String, underlying: any Error)
    /// A service returned before any shutdown was requested; the group was shut down.
    case serviceFinishedUnexpectedly(service: String)
    /// These services had not stopped when the drain timeout passed and were cancelled.
    case drainTimedOut(services: [String])

    public var description: String {
        switch self {
        case .serviceFailed(let service, let underlying):
            "service \(service) failed with \(String(reflecting: type(of: underlying)))"
        case .serviceFinishedUnexpectedly(let service):
            "service \(service) finished unexpectedly"
        case .drainTimedOut(let services):
            "drain timed out; cancelled \(services.joined(separator: ", "))"
        }
    }

    /// A stable code for logs (`error.code`).
    public var code: String {
        switch self {
        case .serviceFailed: "SERVICE_FAILED"
        case .serviceFinishedUnexpectedly: "SERVICE_FINISHED_UNEXPECTEDLY"
        case .drainTimedOut: "DRAIN_TIMED_OUT"
        }
    }
}
