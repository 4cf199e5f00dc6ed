import Contracts
import Wire

extension RouteRequest {
    /// The Wire metadata for calls made on behalf of this request: the request id, the key's project, the
    /// verified end user and session (bearer routes), the client address and the route's deadline.
    var callContext: CallContext {
        CallContext(
            requestID: requestID, projectID: key?.projectID, subject: subject, sessionID: sessionID,
            clientAddress: clientAddress, deadline: deadline)
    }

    /// CommsService's client; 503 `SERVICE_UNAVAILABLE` when the Router has no comms endpoints configured.
    func comms() throws -> CommsContract.Client {
        guard let client = app.services.client(for: .comms) else { throw RouterError.serviceUnavailable }
        return CommsContract.Client(client)
    }

    /// IdentityService's client; 503 `SERVICE_UNAVAILABLE` when the Router has no identity endpoints configured.
    func identity() throws -> IdentityContract.Client {
        guard let client = app.services.client(for: .identity) else { throw RouterError.serviceUnavailable }
        return IdentityContract.Client(client)
    }

    /// Runs a service call, turning what it throws into the contract's error (``UpstreamError``).
    func upstream<T: Sendable>(_ call: () async throws -> T) async throws -> T {
        do {
            return try await call()
        } catch {
            throw UpstreamError.routerError(error)
        }
    }
}
