import Contracts
import Wire

extension VaultHandlers {
    /// `vault.OpenTenant` and `vault.CloseTenant`: a project's vault made or removed as a whole (onboarding).
    func registerLifecycle(on server: WireServer) {
        server.register(VaultContract.openTenant) { request, _ in
            _ = try await store.tenants.ensure(projectID: try Self.projectID(request))
            return try await store.tenantView(projectID: request.projectID)
        }
        server.register(VaultContract.closeTenant) { request, _ in
            try await store.closeTenant(projectID: try Self.projectID(request))
            return Empty()
        }
    }

    /// The request's project id, checked (`VALIDATION_FAILED` on `project_id` when empty or over 64 bytes).
    private static func projectID(_ request: TenantRequest) throws -> String {
        guard (1...64).contains(request.projectID.utf8.count) else {
            throw PublicError.validation("project_id", "project_id must be 1 to 64 bytes.")
        }
        return request.projectID
    }
}
