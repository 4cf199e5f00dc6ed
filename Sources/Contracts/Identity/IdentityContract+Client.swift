import Wire

extension IdentityContract {
    /// The typed client stub.
    public struct Client: Sendable {
        /// The client for IdentityService's endpoints.
        public let client: WireClient

        /// Wraps a client whose endpoints serve the identity contract.
        public init(_ client: WireClient) { self.client = client }

        /// Calls `identity.Signup`.
        public func signup(_ request: SignupRequest, _ context: CallContext) async throws -> SignupResponse {
            try await client.call(IdentityContract.signup, request, context)
        }
        /// Calls `identity.PasswordGrant`.
        public func passwordGrant(_ request: PasswordGrantRequest, _ context: CallContext) async throws -> SessionView {
            try await client.call(IdentityContract.passwordGrant, request, context)
        }
        /// Calls `identity.RefreshGrant`.
        public func refreshGrant(_ request: RefreshGrantRequest, _ context: CallContext) async throws -> SessionView {
            try await client.call(IdentityContract.refreshGrant, request, context)
        }
        /// Calls `identity.MagicLink`.
        public func magicLink(_ request: EmailLinkRequest, _ context: CallContext) async throws {
            _ = try await client.call(IdentityContract.magicLink, request, context)
        }
        /// Calls `identity.Recover`.
        public func recover(_ request: EmailLinkRequest, _ context: CallContext) async throws {
            _ = try await client.call(IdentityContract.recover, request, context)
        }
        /// Calls `identity.Verify`.
        public func verify(_ request: VerifyRequest, _ context: CallContext) async throws -> SessionView {
            try await client.call(IdentityContract.verify, request, context)
        }
        /// Calls `identity.GetUser`.
        public func getUser(_ context: CallContext) async throws -> UserView {
            try await client.call(IdentityContract.getUser, Empty(), context)
        }
        /// Calls `identity.UpdateUser`.
        public func updateUser(_ request: UpdateUserRequest, _ context: CallContext) async throws -> UserView {
            try await client.call(IdentityContract.updateUser, request, context)
        }
        /// Calls `identity.Logout`.
        public func logout(_ request: LogoutRequest, _ context: CallContext) async throws {
            _ = try await client.call(IdentityContract.logout, request, context)
        }
        /// Calls `identity.PublicKeys`.
        public func publicKeys(_ context: CallContext) async throws -> SigningKeySet {
            try await client.call(IdentityContract.publicKeys, Empty(), context)
        }
        /// Calls `identity.RevokedSessions`.
        public func revokedSessions(
            _ request: RevokedSessionsRequest, _ context: CallContext
        ) async throws -> RevokedSessionsResponse {
            try await client.call(IdentityContract.revokedSessions, request, context)
        }
        /// Calls `identity.ListUsers`.
        public func listUsers(_ request: PageQuery, _ context: CallContext) async throws -> Page<UserView> {
            try await client.call(IdentityContract.listUsers, request, context)
        }
        /// Calls `identity.DeleteUser`.
        public func deleteUser(_ request: UserIDRequest, _ context: CallContext) async throws {
            _ = try await client.call(IdentityContract.deleteUser, request, context)
        }
        /// Calls `identity.ListAudit`.
        public func listAudit(_ request: PageQuery, _ context: CallContext) async throws -> Page<AuditEventView> {
            try await client.call(IdentityContract.listAudit, request, context)
        }
        /// Calls `identity.GetSettings`.
        public func getSettings(_ context: CallContext) async throws -> IdentitySettings {
            try await client.call(IdentityContract.getSettings, Empty(), context)
        }
        /// Calls `identity.UpdateSettings`.
        public func updateSettings(
            _ request: UpdateIdentitySettingsRequest, _ context: CallContext
        ) async throws -> IdentitySettings {
            try await client.call(IdentityContract.updateSettings, request, context)
        }
    }
}
