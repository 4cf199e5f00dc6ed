import Foundation
import Wire

/// A Wire server answering as mesh service `service` (real mTLS, a CA of its own) and a client calling it with
/// `caller`'s certificate: what a test needs to stand in for another service, or to call its own over Wire.
///
/// ```swift
/// let billing = try StandInWireService(service: "billing", caller: "comms") { server in
///     server.register(BillingContract.capture) { request, _ in SettleResponse(status: "captured") }
/// }
/// let client = BillingContract.Client(billing.client)
/// ```
public final class StandInWireService: Sendable {
    public let server: WireServer
    public let client: WireClient
    public let group: EventLoopGroup

    /// Starts the server with `register`'s methods.
    public init(service: String, caller: String, register: (WireServer) -> Void) throws {
        let ca = try CertificateAuthority.generate(commonName: "\(service) stand-in CA", validity: .days(1))
        let serverCert = try ca.issue(serviceName: service, dnsNames: [], ipAddresses: ["127.0.0.1"], validity: .days(1))
        let callerCert = try ca.issue(serviceName: caller, dnsNames: [], ipAddresses: [], validity: .days(1))
        group = try EventLoopGroup(loopCount: 1)
        server = WireServer(
            host: "127.0.0.1", port: 0,
            tls: try TLSContext.server(
                certificateChain: serverCert.certificatePEM, privateKey: serverCert.privateKeyPEM, trustRoots: ca.certificatePEM),
            group: group, configuration: WireServer.Configuration(serviceName: service))
        register(server)
        try server.start()
        client = WireClient(
            service: service, endpoints: [WireEndpoint(host: "127.0.0.1", port: server.port)],
            tls: try TLSContext.client(
                certificateChain: callerCert.certificatePEM, privateKey: callerCert.privateKeyPEM, trustRoots: ca.certificatePEM),
            group: group, configuration: WireClient.Configuration(connectTimeout: .seconds(5)))
    }

    /// Closes the client and drains the server.
    public func shutdown() async {
        client.close()
        await server.shutdownGracefully(timeout: .seconds(1))
    }
}
