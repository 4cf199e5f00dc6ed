import Wire

/// One open, greeted, (TLS-protected,) authenticated SMTP connection to a relay, ready for `MAIL FROM`.
///
/// ``open(relay:configuration:tls:on:)`` runs the greeting, `EHLO`, `STARTTLS` and the second `EHLO`, and
/// `AUTH`; ``deliver(_:)`` runs one transaction (see `SMTPSession+Transaction.swift`). A session is used by
/// one task at a time: the ``SMTPConnectionPool`` hands it out to one sender.
final class SMTPSession: Sendable {
    /// Why a session could not be opened: the outcome to report for the message.
    struct OpenFailure: Error {
        var outcome: SMTPOutcome
    }

    /// The relay, the key the pool files the session under.
    let relay: SMTPRelay
    /// The transport.
    let connection: SMTPConnection
    /// What the relay announced in its last `EHLO` reply.
    let capabilities: SMTPCapabilities
    /// Timeouts and the EHLO name.
    let configuration: SMTPClientConfiguration

    private init(
        relay: SMTPRelay, connection: SMTPConnection, capabilities: SMTPCapabilities,
        configuration: SMTPClientConfiguration
    ) {
        self.relay = relay
        self.connection = connection
        self.capabilities = capabilities
        self.configuration = configuration
    }

    /// Whether the transport is still fit for another transaction.
    var isUsable: Bool { connection.isUsable }

    /// Connects and prepares a session; on failure the connection is closed and the error holds the outcome
    /// (temporary for network, TLS and 4xx problems; permanent for a refused AUTH).
    ///
    /// - Parameters:
    ///   - addresses: a project relay's addresses, checked by the outbound guard: connect to exactly these,
    ///     and report a failed connect without its cause ("could not connect to the relay"), so a project
    ///     learns nothing about the network from it. Nil: the platform relay, resolved by name.
    ///   - tls: the client TLS context (built on first use); needed unless `relay.security` is `none`.
    static func open(
        relay: SMTPRelay, addresses: [SocketAddress]? = nil, configuration: SMTPClientConfiguration,
        tls: () throws -> TLSContext, on loop: EventLoop
    ) async throws(OpenFailure) -> SMTPSession {
        let context: TLSContext?
        do {
            context = relay.security == .none ? nil : try tls()
        } catch {
            throw OpenFailure(outcome: .temporaryFailure(detail: "TLS configuration: \(error)"))
        }
        let connection: SMTPConnection
        do {
            connection = try await SMTPConnection.connect(
                host: relay.host, port: relay.port, addresses: addresses,
                tls: relay.security == .implicit ? context : nil, on: loop, timeout: configuration.connectTimeout)
        } catch {
            throw OpenFailure(outcome: .temporaryFailure(detail: addresses == nil ? error.description : "could not connect to the relay"))
        }
        do {
            let capabilities = try await handshake(
                connection: connection, relay: relay, configuration: configuration, tls: context)
            return SMTPSession(
                relay: relay, connection: connection, capabilities: capabilities, configuration: configuration)
        } catch {
            await connection.quit(timeout: .seconds(2))
            throw error
        }
    }

    /// Greeting, EHLO, STARTTLS + EHLO, AUTH.
    private static func handshake(
        connection: SMTPConnection, relay: SMTPRelay, configuration: SMTPClientConfiguration, tls: TLSContext?
    ) async throws(OpenFailure) -> SMTPCapabilities {
        let timeout = configuration.commandTimeout
        let greeting = try await step { () throws(SMTPTransportError) in
            try await connection.exchange(nil, timeout: timeout, step: "the greeting")
        }
        guard greeting.code == 220 else { throw refused("greeting", greeting, permanentIf5xx: false) }
        var capabilities = try await ehlo(connection, configuration)
        if relay.security == .starttls, let tls {
            guard capabilities.startTLS else {
                throw OpenFailure(outcome: .temporaryFailure(detail: "relay does not offer STARTTLS"))
            }
            let reply = try await step { () throws(SMTPTransportError) in
                try await connection.command("STARTTLS", timeout: timeout, step: "the reply to STARTTLS")
            }
            guard reply.code == 220 else { throw refused("STARTTLS", reply, permanentIf5xx: false) }
            try await step { () throws(SMTPTransportError) in
                try await connection.startTLS(context: tls, serverName: relay.host)
            }
            capabilities = try await ehlo(connection, configuration)
        }
        if let username = relay.username {
            try await authenticate(
                connection, username: username, password: relay.password ?? "", capabilities: capabilities,
                timeout: timeout)
        }
        return capabilities
    }

    private static func ehlo(
        _ connection: SMTPConnection, _ configuration: SMTPClientConfiguration
    ) async throws(OpenFailure) -> SMTPCapabilities {
        let reply = try await step { () throws(SMTPTransportError) in
            try await connection.command(
                "EHLO \(configuration.heloName)", timeout: configuration.commandTimeout, step: "the reply to EHLO")
        }
        guard reply.code == 250 else { throw refused("EHLO", reply, permanentIf5xx: false) }
        return SMTPCapabilities(ehloReply: reply)
    }

    /// Runs a transport step, turning its error into a temporary failure.
    static func step<T>(_ body: () async throws(SMTPTransportError) -> T) async throws(OpenFailure) -> T {
        do {
            return try await body()
        } catch {
            throw OpenFailure(outcome: .temporaryFailure(detail: error.description))
        }
    }

    /// The outcome for a refused command: 4xx (and 5xx unless `permanentIf5xx`) is temporary.
    static func refused(_ command: String, _ reply: SMTPReply, permanentIf5xx: Bool) -> OpenFailure {
        let detail = "\(command) refused: \(reply.text)"
        if reply.isPermanent && permanentIf5xx {
            return OpenFailure(outcome: .permanentFailure(detail: detail, rejected: []))
        }
        return OpenFailure(outcome: .temporaryFailure(detail: detail))
    }

    /// Sends `QUIT` (bounded by the command timeout, at most 5 s) and closes.
    func quit() async {
        await connection.quit(timeout: min(configuration.commandTimeout, .seconds(5)))
    }

    /// Closes without `QUIT` (the connection is broken or in an unknown state).
    func close() {
        connection.close()
    }
}
