import Contracts
import ServiceKit
import Wire

/// The CommsService's parts wired together from its configuration: the store, the Wire handlers and the
/// outbox workers (email and webhooks), sharing one pool and one SMTP client. `main.swift` serves ``handlers``
/// and runs ``outbox`` and ``webhookOutbox``; tests build the same parts with their own schema and transport.
struct CommsComponents: Sendable {
    /// The tables.
    let store: CommsStore
    /// The Wire methods.
    let handlers: CommsHandlers
    /// The workers.
    let outbox: CommsOutbox
    /// The webhook deliveries' workers.
    let webhookOutbox: WebhookOutbox
    /// Sends the credit guard's settlements to Billing.
    let settler: BillingSettler
    /// The WhatsApp channel's methods.
    let whatsapp: WhatsAppChannel
    /// SmartSend's worker.
    let smartSend: SmartSendWorker

    /// Builds the parts; `transport` defaults to an ``SMTPClient`` on the shared event loops.
    init(
        config: CommsServiceConfig, pool: PostgresPool, schema: String = CommsServiceMigrations.schema,
        logger: Logger, transport: (any MailTransport)? = nil, webhookResolver: OutboundGuard.Resolver? = nil,
        metrics: MetricsRegistry = MetricsRegistry()
    ) throws {
        let store = CommsStore(pool: pool, schema: schema)
        let sealer = RelaySealer(key: config.masterKey)
        let relayRules = ProjectRelayRules(outbound: config.relayGuard)
        var smtp = SMTPClientConfiguration()
        smtp.heloName = config.messageIDDomain
        smtp.maxConnections = config.smtpMaxConnections
        smtp.trustRootsPath = config.smtpCAPath
        let settings = config.outboxSettings
        // A cancelled send (its deadline passed) returns within the connect timeout: keep both inside the lease.
        smtp.connectTimeout = min(smtp.connectTimeout, settings.sendTimeout)
        let transport = try transport ?? SMTPMailTransport(
            client: SMTPClient(group: ServiceContext.sharedEventLoopGroup(), configuration: smtp),
            platformRelay: config.smtpRelay, projectRelays: relayRules)
        let delivery = MessageDelivery(
            store: store, transport: transport, sealer: sealer, schedule: config.retrySchedule, logger: logger,
            slots: SendSlots(perProject: settings.workersPerProject, perRelay: settings.sendsPerRelay),
            sendTimeout: settings.sendTimeout)
        let outbox = CommsOutbox(
            store: store, delivery: delivery, settings: settings, listener: pool.configuration,
            logger: logger)
        let keySealer = DomainKeySealer(key: config.masterKey)
        let platformSender = config.defaultFrom.flatMap { try? MailAddress(parsing: $0, field: "from") }
        let senders = SenderPolicy(store: store, sealer: keySealer, platformAddress: platformSender?.normalizedAddress)
        let records = DomainRecords(spfInclude: config.spfInclude)
        let domains = SenderDomains(
            store: store, sealer: keySealer, records: records,
            verifier: DomainVerifier(resolver: DNSResolver(server: config.dnsResolver, timeout: config.dnsTimeout), records: records),
            platformDomains: [config.messageIDDomain] + (platformSender?.domain.map { [$0] } ?? []))
        let batchSizes = metrics.histogram(
            "comms_email_accept_batch_size", help: "Accepted emails committed together (group commit), per batch.",
            buckets: EmailAcceptor.batchSizeBuckets)
        var acceptor = EmailAcceptor(
            store: store, commits: EmailAcceptor.commits(store: store, batchSizes: batchSizes), settings: SettingsCache(),
            defaultFrom: config.defaultFrom, messageIDDomain: config.messageIDDomain, senders: senders)
        acceptor.onAccepted = { [outbox] in outbox.poke() }
        let hooks = config.webhooks
        var http = HTTPClient.Configuration()
        http.connectTimeout = min(http.connectTimeout, hooks.timeout)
        http.responseHeadTimeout = hooks.timeout
        http.timeout = hooks.timeout
        http.maxResponseBytes = 64 * 1024
        http.maxConnectionsPerOrigin = hooks.perEndpoint
        let client = try GuardedHTTPClient(
            group: ServiceContext.sharedEventLoopGroup(), policy: hooks.policy, allowsPlainHTTP: hooks.allowsPlainHTTP,
            configuration: http, resolver: webhookResolver)
        let secretSealer = WebhookSecretSealer(key: config.masterKey)
        let sender = WebhookSender(
            store: store, client: client, sealer: secretSealer, settings: hooks,
            alerts: WebhookDisabledAlert(acceptor: acceptor, logger: logger), logger: logger,
            metrics: WebhookMetrics(registry: metrics))
        let webhookOutbox = WebhookOutbox(
            store: store, sender: sender, settings: hooks, listener: pool.configuration, logger: logger)
        var webhooks = WebhookEndpoints(
            store: store, sealer: secretSealer,
            rules: WebhookEndpointRules(outboundGuard: client.outboundGuard, allowsPlainHTTP: client.allowsPlainHTTP),
            settings: hooks, relaySealer: sealer)
        webhooks.onDeliveries = { [webhookOutbox] in webhookOutbox.poke() }
        store.webhookWake.setLocal { [webhookOutbox] in webhookOutbox.poke() }
        self.store = store
        self.outbox = outbox
        self.webhookOutbox = webhookOutbox
        var billing: BillingContract.Client?
        if !config.billingEndpoints.isEmpty {
            let tls = try TLSContext.client(
                certificateChainPath: config.base.wire.certificateChainPath,
                privateKeyPath: config.base.wire.privateKeyPath, trustRootsPath: config.base.wire.trustRootsPath)
            billing = BillingContract.Client(WireClient(
                service: "billing", endpoints: config.billingEndpoints, tls: tls, serverName: "billing",
                group: try ServiceContext.sharedEventLoopGroup()))
        }
        self.settler = BillingSettler(store: store, billing: billing, pollInterval: settings.pollInterval, logger: logger)
        var handlers = CommsHandlers(
            acceptor: acceptor, store: store, sealer: sealer, relayRules: relayRules, domains: domains, senders: senders,
            webhooks: webhooks)
        let whatsappStore = WhatsAppStore(comms: store)
        let gateways = try WhatsAppGateways(
            store: whatsappStore, sealer: sealer, settings: config.whatsapp, resolver: webhookResolver)
        self.whatsapp = WhatsAppChannel(
            store: whatsappStore, gateways: gateways, sealer: sealer, settings: config.whatsapp,
            urlRules: WebhookEndpointRules(outboundGuard: gateways.projectHTTP.outboundGuard, allowsPlainHTTP: client.allowsPlainHTTP))
        self.smartSend = SmartSendWorker(store: whatsappStore, gateways: gateways, settings: config.whatsapp, logger: logger)
        handlers.whatsapp = whatsapp
        self.handlers = handlers
    }
}
