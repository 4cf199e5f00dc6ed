/// The registry of mesh services behind the Router: the one list of their names, Wire ports, databases,
/// certificates and executables. Everything that needs "every service" reads it — `purrpurr up` and
/// `purrpurr certs`, the Router's `<NAME>_WIRE_ENDPOINTS` and `/readyz`, the deploy validation (through
/// `purrpurr services`) and the tests — so adding a service is one case here.
///
/// ```swift
/// for service in MeshService.allCases {
///     print(service.name, service.defaultWirePort, service.endpointsVariable)   // identity 7101 IDENTITY_WIRE_ENDPOINTS
/// }
/// ```
///
/// The cases are in start order: a service another one calls at start (``callsAtStart``) comes first (Identity
/// mails through Comms).
public enum MeshService: String, CaseIterable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// Email (and later WhatsApp and outbound webhooks): the durable outboxes.
    case comms
    /// Users, sessions, magic links, signing keys.
    case identity
    /// Each project's documents.
    case vault
    /// Plans, trials, the ledger, referrals.
    case billing

    /// The service's name: in its certificate, logs, `/readyz` and `AllowedCallers`.
    public var name: String { rawValue }

    /// The Wire port it listens on unless `WIRE_PORT` says otherwise.
    public var defaultWirePort: Int {
        switch self {
        case .identity: 7101
        case .comms: 7102
        case .vault: 7103
        case .billing: 7104
        }
    }

    /// The port of its `GET /metrics` listener unless `METRICS_PORT` says otherwise: the Router's 9464 and the
    /// next ports, in Wire port order, so services on one host never clash.
    public var defaultMetricsPort: Int {
        switch self {
        case .identity: 9465
        case .comms: 9466
        case .vault: 9467
        case .billing: 9468
        }
    }

    /// Its own database on a shared server (`purrpurr up`, compose), e.g. `purrpurr_identity`; with one
    /// `DATABASE_URL` for all, the service's schema is ``name`` instead.
    public var databaseName: String { "purrpurr_" + rawValue }

    /// The service name its mesh certificate carries (`<name>.crt`, `<name>.key`).
    public var certificateName: String { rawValue }

    /// The executable product, e.g. `identity-service`.
    public var executable: String { rawValue + "-service" }

    /// The services it calls over Wire (each gets `<NAME>_WIRE_ENDPOINTS` in its environment). Calls may go
    /// both ways (Comms settles the credit guard's reservations with Billing; Billing sends its alerts through
    /// Comms): only ``callsAtStart`` orders the start.
    public var calls: [MeshService] {
        switch self {
        case .identity: [.comms]
        case .comms: [.billing]
        case .billing: [.comms]
        case .vault: []
        }
    }

    /// The services it needs answering before it is ready (they start first); a subset of ``calls`` without
    /// cycles. Calls that may wait (outboxes retried until the callee answers) are not in it.
    public var callsAtStart: [MeshService] {
        switch self {
        case .identity: [.comms]
        case .comms, .vault, .billing: []
        }
    }

    /// The variable naming its endpoints for a caller (the Router, another service), e.g.
    /// `IDENTITY_WIRE_ENDPOINTS`.
    public var endpointsVariable: String { rawValue.uppercased() + "_WIRE_ENDPOINTS" }

    public var description: String { rawValue }

    /// The Router's certificate name: it calls every service and is called by none.
    public static let routerCertificateName = "router"

    /// The Router's database on a shared server.
    public static let routerDatabaseName = "purrpurr_router"

    /// Every certificate the mesh needs: the Router's, then each service's.
    public static var certificateNames: [String] { [routerCertificateName] + allCases.map(\.certificateName) }

    /// The service named `name`, if it is one.
    public init?(name: String) { self.init(rawValue: name) }
}
