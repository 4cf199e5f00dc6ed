import Wire

extension VaultContract {
    /// `vault.OpenTenant`: makes the project's isolated vault now (its schema at the latest tenant version)
    /// instead of at its first collection. Idempotent: an existing tenant is answered as it is. Onboarding's
    /// saga step (`POST /v1/signup`).
    public static let openTenant = MethodDescriptor<TenantRequest, TenantView>(
        "vault.OpenTenant", allowedCallers: .only(["router"]))
    /// `vault.CloseTenant`: removes the project's vault, its collections and documents (onboarding's undo of
    /// ``openTenant``). Idempotent: a project without a vault is a success.
    public static let closeTenant = MethodDescriptor<TenantRequest, Empty>(
        "vault.CloseTenant", allowedCallers: .only(["router"]))
}

extension VaultContract.Client {
    /// Calls `vault.OpenTenant`.
    public func openTenant(_ request: TenantRequest, _ context: CallContext) async throws -> TenantView {
        try await client.call(VaultContract.openTenant, request, context)
    }

    /// Calls `vault.CloseTenant`.
    public func closeTenant(_ request: TenantRequest, _ context: CallContext) async throws {
        _ = try await client.call(VaultContract.closeTenant, request, context)
    }
}
