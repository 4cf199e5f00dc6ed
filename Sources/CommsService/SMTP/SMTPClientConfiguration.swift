/// Settings of an ``SMTPClient``; every timeout bounds one step, so no step can hang.
struct SMTPClientConfiguration: Sendable {
    /// The name sent in `EHLO`.
    var heloName: String = "localhost"
    /// SMTP connections open at once, to all relays together.
    var maxConnections: Int = 16
    /// Idle connections kept per relay for reuse.
    var maxIdlePerRelay: Int = 4
    /// An idle connection is closed (with `QUIT`) after this long unused.
    var idleTimeout: Duration = .seconds(30)
    /// TCP connect (and the TLS handshake, for implicit TLS and STARTTLS).
    var connectTimeout: Duration = .seconds(10)
    /// The greeting and each command's reply.
    var commandTimeout: Duration = .seconds(30)
    /// Sending the message and the reply to its final `.`.
    var dataTimeout: Duration = .seconds(120)
    /// A PEM file of extra trust roots for relays' certificates; nil: the system trust store.
    var trustRootsPath: String? = nil
    /// How long ``SMTPClient/send(_:via:)`` waits for a connection when `maxConnections` are busy, before
    /// giving up with a temporary failure ("connection limit").
    var connectionWaitTimeout: Duration = .seconds(30)

    /// The defaults.
    init() {}
}
