import Contracts
import Wire

extension ServiceDirectory {
    /// `service`'s typed contract client, e.g. `try services.client(.comms, CommsContract.Client.init)`; 503
    /// `SERVICE_UNAVAILABLE` when the Router has no endpoints configured for it.
    func client<Client>(_ service: MeshService, _ make: (WireClient) -> Client) throws -> Client {
        guard let client = client(for: service) else { throw RouterError.serviceUnavailable }
        return make(client)
    }
}

/// Runs a service call, turning what it throws into the contract's error (``UpstreamError``, the one mapping).
func upstream<T: Sendable>(_ call: () async throws -> T) async throws -> T {
    do {
        return try await call()
    } catch {
        throw UpstreamError.routerError(error)
    }
}
