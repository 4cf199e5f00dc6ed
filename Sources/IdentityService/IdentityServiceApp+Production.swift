import Contracts
import Foundation
import ServiceKit
import Wire

extension IdentityServiceApp {
    /// The production wiring: scrypt from `IDENTITY_SCRYPT_N`, the link flows mailing through CommsService
    /// (`COMMS_WIRE_ENDPOINTS`, reached with this service's own mesh certificate) with their codes' HMAC
    /// keyed by a key derived from the master key (a copy of the table alone cannot be searched through the
    /// 10^6 codes), the system clock; `auth.user.created` events handed to Comms by an ``EventOutbox``.
    ///
    /// Without Comms endpoints, link emails fail with `unavailable` (and signups needing confirmation too).
    /// - Throws: `TLSError` when the mesh files do not load for the Comms client.
    static func production(
        config: IdentityServiceConfig, database: PostgresPool, logger: Logger
    ) throws -> IdentityServiceApp {
        let schema = IdentityServiceMigrations.schema
        let mailer: any LinkMailer
        var events: EventOutbox?
        if config.links.commsEndpoints.isEmpty {
            mailer = fileprivateNoMailer()
        } else {
            let tls = try TLSContext.client(
                certificateChainPath: config.wire.certificateChainPath, privateKeyPath: config.wire.privateKeyPath,
                trustRootsPath: config.wire.trustRootsPath)
            let client = WireClient(
                service: "comms", endpoints: config.links.commsEndpoints, tls: tls, serverName: "comms",
                group: try ServiceContext.sharedEventLoopGroup())
            let comms = CommsContract.Client(client)
            mailer = CommsLinkMailer(comms: comms)
            events = EventOutbox(pool: database, schema: schema, emit: { _ = try await comms.emitEvent($0, $1) }, logger: logger)
        }
        return IdentityServiceApp(
            database: database, schema: schema, options: Options(config: config),
            passwords: PasswordHasher(n: config.scryptN, maximumPending: config.scryptQueue), logger: logger,
            events: events
        ) { core in
            LinkFlows(
                database: database, schema: schema, config: config.links.withCodeKey(derivedFrom: config.masterKey.value),
                core: core, mailer: mailer, logger: logger)
        }
    }
}

/// The mailer when no CommsService is configured: every send fails as unavailable.
fileprivate struct fileprivateNoMailer: LinkMailer {
    func send(
        template: String, to: String, data: [String: String], idempotencyKey: String, context: CallContext
    ) async throws {
        throw WireError(.unavailable, "Email is not configured (COMMS_WIRE_ENDPOINTS is empty).")
    }
}
