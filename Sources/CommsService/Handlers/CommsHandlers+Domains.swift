import Contracts
import Wire

extension CommsHandlers {
    /// Registers `comms.CreateDomain`, `ListDomains`, `GetDomain`, `VerifyDomain` and `DeleteDomain`.
    func registerDomains(on server: WireServer) {
        server.register(CommsContract.createDomain) { request, context in
            try await Self.run { try await domains.create(request, projectID: try Self.project(context)) }
        }
        server.register(CommsContract.listDomains) { request, context in
            try await Self.run { try await domains.list(request, projectID: try Self.project(context)) }
        }
        server.register(CommsContract.getDomain) { request, context in
            try await Self.run { try await domains.get(request, projectID: try Self.project(context)) }
        }
        server.register(CommsContract.verifyDomain) { request, context in
            try await Self.run { try await domains.verify(request, projectID: try Self.project(context)) }
        }
        server.register(CommsContract.deleteDomain) { request, context in
            try await Self.run { try await domains.delete(request, projectID: try Self.project(context)) }
        }
    }
}
