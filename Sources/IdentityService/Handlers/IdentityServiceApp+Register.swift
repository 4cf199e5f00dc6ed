import Contracts
import ServiceKit
import Wire

extension IdentityServiceApp {
    /// Registers every `IdentityContract` method on `server`.
    func register(on server: WireServer) {
        server.register(IdentityContract.signup) { request, context in try await self.accounts.signup(request, context) }
        server.register(IdentityContract.passwordGrant) { request, context in
            try await self.accounts.passwordGrant(request, context)
        }
        server.register(IdentityContract.refreshGrant) { request, context in
            try await self.rotation.refresh(request, context)
        }
        server.register(IdentityContract.magicLink) { request, context in
            _ = try IdentityContext.project(context)
            return try await self.links.magicLink(request, context)
        }
        server.register(IdentityContract.recover) { request, context in
            _ = try IdentityContext.project(context)
            return try await self.links.recover(request, context)
        }
        server.register(IdentityContract.verify) { request, context in
            _ = try IdentityContext.project(context)
            return try await self.links.verify(request, context)
        }
        server.register(IdentityContract.getUser) { _, context in try await self.accounts.getUser(context) }
        server.register(IdentityContract.updateUser) { request, context in
            try await self.accounts.updateUser(request, context)
        }
        server.register(IdentityContract.mfaEnroll) { _, context in try await self.mfa.enroll(context) }
        server.register(IdentityContract.mfaVerify) { request, context in try await self.mfa.verify(request, context) }
        server.register(IdentityContract.mfaDeleteFactor) { request, context in
            try await self.mfa.deleteFactor(request, context)
        }
        server.register(IdentityContract.putProvider) { request, context in try await self.social.putProvider(request, context) }
        server.register(IdentityContract.authorize) { request, context in try await self.social.authorize(request, context) }
        server.register(IdentityContract.oauthCallback) { request, context in try await self.social.callback(request, context) }
        server.register(IdentityContract.pkceGrant) { request, context in try await self.social.pkceGrant(request, context) }
        server.register(IdentityContract.listIdentities) { _, context in try await self.social.links.list(context) }
        server.register(IdentityContract.unlinkIdentity) { request, context in
            try await self.social.links.unlink(request, context)
        }
        server.register(IdentityContract.logout) { request, context in try await self.accounts.logout(request, context) }
        server.register(encoded: IdentityContract.publicKeys, cached: { _, _ in
            self.keys.cachedEncodedPublicKeys(issuer: self.issuer)
        }) { _, _ in
            try await self.keys.encodedPublicKeys(issuer: self.issuer)
        }
        server.register(IdentityContract.revokedSessions) { request, _ in
            try await self.revoker.revoked(after: request.cursor)
        }
        server.register(IdentityContract.listUsers) { request, context in try await self.admin.listUsers(request, context) }
        server.register(IdentityContract.deleteUser) { request, context in
            try await self.admin.deleteUser(request, context)
        }
        server.register(IdentityContract.listAudit) { request, context in try await self.core.audit.list(request, context) }
        server.register(IdentityContract.getSettings) { _, context in
            try await self.core.settings.settings(projectID: try IdentityContext.project(context))
        }
        server.register(IdentityContract.updateSettings) { request, context in
            try await self.core.settings.update(projectID: try IdentityContext.project(context), request)
        }
    }
}
