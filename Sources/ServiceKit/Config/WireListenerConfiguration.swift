/// Where and with which mesh identity a service's Wire server listens: read by
/// ``EnvironmentReader/wireListener(defaultPort:)`` from `WIRE_HOST`, `WIRE_PORT`, `MESH_CA_PATH`,
/// `MESH_CERT_PATH` and `MESH_KEY_PATH`, and handed to ``ServiceContext/serveWire(_:drainTimeout:register:)``.
///
/// Holds paths only: the files are read (and their contents checked) when the server starts, so a bad
/// certificate is a start failure (exit 1), while a missing file is a configuration error (exit 78).
public struct WireListenerConfiguration: Sendable, Hashable {
    /// The numeric address the Wire server binds (`WIRE_HOST`, default `127.0.0.1`).
    public var host: String
    /// The TCP port (`WIRE_PORT`); 0 picks a free one (the bound port is logged as `wire.port`).
    public var port: Int
    /// The mesh CA certificate, PEM (`MESH_CA_PATH`): client certificates must chain to it.
    public var trustRootsPath: String
    /// This service's certificate chain, PEM, leaf first (`MESH_CERT_PATH`).
    public var certificateChainPath: String
    /// The certificate's unencrypted private key, PEM (`MESH_KEY_PATH`).
    public var privateKeyPath: String

    /// Creates a listener configuration (tests; executables use the environment getter).
    public init(host: String, port: Int, trustRootsPath: String, certificateChainPath: String, privateKeyPath: String) {
        self.host = host
        self.port = port
        self.trustRootsPath = trustRootsPath
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
    }
}
