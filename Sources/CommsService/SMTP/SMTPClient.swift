import ServiceKit
import Synchronization
import Wire

/// Connections to relays, reused (several messages per connection, RSET between), with a global bound.
///
/// Built on Wire's event loop (``TCPConnector``, ``Connection``): EHLO, STARTTLS (required unless the relay
/// says `tls=none`) or implicit TLS, AUTH PLAIN/LOGIN, MAIL/RCPT/DATA with CRLF normalisation and
/// dot-stuffing, a timeout on every step, certificates always verified (system trust store plus
/// ``SMTPClientConfiguration/trustRootsPath``) against the relay's host name.
///
/// ```swift
/// let client = SMTPClient(group: group, configuration: SMTPClientConfiguration())
/// let relay = try SMTPRelay(url: "smtp://mailer:secret@smtp.example.com:587")
/// switch await client.send(SMTPEnvelope(mailFrom: "a@example.com", recipients: ["b@example.org"], data: message), via: relay) {
/// case .delivered(let reply, let rejected): …
/// case .temporaryFailure(let detail): …      // retry later
/// case .permanentFailure(let detail, let rejected): …
/// }
/// await client.shutdown()
/// ```
///
/// The client never logs; outcomes carry the relay's replies or a transport description, never the message,
/// the password or AUTH lines.
final class SMTPClient: Sendable {
    /// The loops connections run on.
    let group: EventLoopGroup
    /// The settings.
    let configuration: SMTPClientConfiguration
    private let pool: SMTPConnectionPool
    /// The TLS client context, built on first use (it reads the trust roots file).
    private let tlsContext = Mutex<Result<TLSContext, any Error>?>(nil)
    private let opened = Atomic<Int>(0)

    /// Creates a client; nothing is opened until the first ``send(_:via:)``.
    init(group: EventLoopGroup, configuration: SMTPClientConfiguration) {
        self.group = group
        self.configuration = configuration
        self.pool = SMTPConnectionPool(
            maxConnections: configuration.maxConnections, maxIdlePerRelay: configuration.maxIdlePerRelay,
            idleTimeout: configuration.idleTimeout, waitTimeout: configuration.connectionWaitTimeout,
            loop: group.next())
    }

    /// Connections opened since the client was created (a metric; tests check reuse with it).
    var connectionsOpened: Int { opened.load(ordering: .relaxed) }

    /// Connections open now (in use or idle).
    var openConnections: Int { pool.openCount }

    /// Relays one message. Never throws: every failure is an ``SMTPOutcome``.
    ///
    /// - Parameter outbound: for a project's relay: a new connection goes only to addresses this guard
    ///   checked (resolved now, connected to as checked); nil for the platform relay (trusted).
    func send(_ envelope: SMTPEnvelope, via relay: SMTPRelay, guardedBy outbound: OutboundGuard? = nil) async -> SMTPOutcome {
        if let problem = Self.validate(envelope) {
            return .permanentFailure(detail: problem, rejected: [])
        }
        let session: SMTPSession
        switch await pool.acquire(relay) {
        case .shutDown:
            return .temporaryFailure(detail: "the SMTP client is shut down")
        case .limitReached:
            return .temporaryFailure(detail: "connection limit: no SMTP connection became free in time")
        case .session(let idle):
            if await idle.reset() {
                session = idle
            } else {
                idle.close()  // its slot is ours: open a fresh connection with it
                switch await open(relay, guardedBy: outbound) {
                case .success(let fresh): session = fresh
                case .failure(let failure): return failure.outcome
                }
            }
        case .slot:
            switch await open(relay, guardedBy: outbound) {
            case .success(let fresh): session = fresh
            case .failure(let failure): return failure.outcome
            }
        }
        let result = await session.deliver(envelope)
        pool.release(session, reusable: result.reusable)
        return result.outcome
    }

    /// Closes idle connections with `QUIT` and refuses further sends (they get a temporary failure).
    func shutdown() async {
        await pool.shutdown()
    }

    // MARK: internals

    /// Opens a session with a slot the caller holds; on failure the slot is released.
    private func open(
        _ relay: SMTPRelay, guardedBy outbound: OutboundGuard?
    ) async -> Result<SMTPSession, SMTPSession.OpenFailure> {
        var addresses: [SocketAddress]?
        if let outbound {
            do {
                addresses = try await outbound.resolve(host: relay.host, port: relay.port)
            } catch {
                pool.releaseSlot()
                return .failure(ProjectRelayRules.openFailure(error))
            }
        }
        opened.add(1, ordering: .relaxed)
        do {
            return .success(try await SMTPSession.open(
                relay: relay, addresses: addresses, configuration: configuration, tls: { try self.makeTLSContext() },
                on: group.next()))
        } catch {
            pool.releaseSlot()
            return .failure(error)
        }
    }

    private func makeTLSContext() throws -> TLSContext {
        try tlsContext.withLock { cached in
            if let cached { return try cached.get() }
            let result = Result { () throws -> TLSContext in
                try TLSContext.publicClient(extraTrustRootsPath: configuration.trustRootsPath)
            }
            cached = result
            return try result.get()
        }
    }

    /// Refuses envelopes that would break the protocol (or smuggle commands): no recipients, or an
    /// address with a line break, a control character, `<` or `>`.
    static func validate(_ envelope: SMTPEnvelope) -> String? {
        if envelope.recipients.isEmpty { return "the message has no recipients" }
        for address in [envelope.mailFrom] + envelope.recipients {
            let bad = address.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || $0 == "<" || $0 == ">" }
            if bad || address.utf8.count > 320 { return "invalid address in the envelope" }
        }
        if envelope.recipients.contains(where: \.isEmpty) { return "empty recipient address" }
        return nil
    }
}
