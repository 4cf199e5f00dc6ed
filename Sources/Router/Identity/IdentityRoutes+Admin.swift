import Contracts
import Foundation
import Wire

/// The project's identity administration (secret key): users, audit log, settings.
extension IdentityRoutes {
    private struct SettingsBody: Decodable {
        let site_url: String?
        let redirect_allow_list: [String]?
        let confirm_email: Bool?
        let access_token_lifetime: Int?
        let magic_link_lifetime: Int?
        let recovery_lifetime: Int?
        let confirmation_lifetime: Int?
    }

    @Sendable static func listUsers(_ request: RouteRequest) async throws -> RouteResponse {
        let (limit, cursor) = try Pagination.read(request)
        let page = try await request.upstream {
            try await request.identity().listUsers(PageQuery(limit: limit, cursor: cursor), request.callContext)
        }
        return Pagination.page(page.data.map(IdentityJSON.user), next: page.nextCursor)
    }

    @Sendable static func deleteUser(_ request: RouteRequest) async throws -> RouteResponse {
        let call = UserIDRequest(id: request.parameter("id"))
        try await request.upstream { try await request.identity().deleteUser(call, request.callContext) }
        return .noContent
    }

    @Sendable static func listAudit(_ request: RouteRequest) async throws -> RouteResponse {
        let (limit, cursor) = try Pagination.read(request)
        let page = try await request.upstream {
            try await request.identity().listAudit(PageQuery(limit: limit, cursor: cursor), request.callContext)
        }
        return Pagination.page(page.data.map(IdentityJSON.audit), next: page.nextCursor)
    }

    @Sendable static func getSettings(_ request: RouteRequest) async throws -> RouteResponse {
        let settings = try await request.upstream { try await request.identity().getSettings(request.callContext) }
        return .json(IdentityJSON.settings(settings))
    }

    @Sendable static func updateSettings(_ request: RouteRequest) async throws -> RouteResponse {
        let body = try request.decode(SettingsBody.self)
        let call = UpdateIdentitySettingsRequest(
            siteURL: body.site_url, redirectAllowList: body.redirect_allow_list, confirmEmail: body.confirm_email,
            accessTokenLifetime: body.access_token_lifetime, magicLinkLifetime: body.magic_link_lifetime,
            recoveryLifetime: body.recovery_lifetime, confirmationLifetime: body.confirmation_lifetime)
        let settings = try await request.upstream { try await request.identity().updateSettings(call, request.callContext) }
        return .json(IdentityJSON.settings(settings))
    }
}
