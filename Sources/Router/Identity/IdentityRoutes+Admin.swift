import Contracts
import Foundation
import Wire

/// The project's identity administration (secret key): users, audit log, settings.
extension IdentityRoutes {
    @Sendable func listUsers(_ context: RequestContext) async throws -> RouteResponse {
        let (limit, cursor) = try Pagination.read(context)
        let page = try await upstream {
            try await identity().listUsers(PageQuery(limit: limit, cursor: cursor), context.callContext)
        }
        return Pagination.page(page.data.map(IdentityJSON.user), next: page.nextCursor)
    }

    @Sendable func deleteUser(_ context: RequestContext) async throws -> RouteResponse {
        let call = UserIDRequest(id: context.parameter("id"))
        try await upstream { try await identity().deleteUser(call, context.callContext) }
        return .noContent
    }

    @Sendable func listAudit(_ context: RequestContext) async throws -> RouteResponse {
        let (limit, cursor) = try Pagination.read(context)
        let page = try await upstream {
            try await identity().listAudit(PageQuery(limit: limit, cursor: cursor), context.callContext)
        }
        return Pagination.page(page.data.map(IdentityJSON.audit), next: page.nextCursor)
    }

    @Sendable func getSettings(_ context: RequestContext) async throws -> RouteResponse {
        let settings = try await upstream { try await identity().getSettings(context.callContext) }
        return .json(IdentityJSON.settings(settings))
    }

    @Sendable func updateSettings(_ body: IdentitySettingsBody, _ context: RequestContext) async throws -> RouteResponse {
        let call = UpdateIdentitySettingsRequest(
            siteURL: body.siteURL, redirectAllowList: body.redirectAllowList, confirmEmail: body.confirmEmail,
            accessTokenLifetime: body.accessTokenLifetime, magicLinkLifetime: body.magicLinkLifetime,
            recoveryLifetime: body.recoveryLifetime, confirmationLifetime: body.confirmationLifetime)
        let settings = try await upstream { try await identity().updateSettings(call, context.callContext) }
        return .json(IdentityJSON.settings(settings))
    }
}
