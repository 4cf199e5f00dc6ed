import Contracts
import Wire

extension ServiceDirectory {
    /// CommsService's client; 503 `SERVICE_UNAVAILABLE` when the Router has no comms endpoints configured.
    func comms() throws -> CommsContract.Client {
        guard let client = client(for: .comms) else { throw RouterError.serviceUnavailable }
        return CommsContract.Client(client)
    }

    /// IdentityService's client; 503 `SERVICE_UNAVAILABLE` when the Router has no identity endpoints configured.
    func identity() throws -> IdentityContract.Client {
        guard let client = client(for: .identity) else { throw RouterError.serviceUnavailable }
        return IdentityContract.Client(client)
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
