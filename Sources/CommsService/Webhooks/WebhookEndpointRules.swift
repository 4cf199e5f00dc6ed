import Contracts
import ServiceKit
import Wire

/// What an endpoint may be: its URL `https://` (or `http://` where the platform allows it), at most 2048
/// characters, on a host the outbound guard accepts now (no loopback, private or CGNAT address unless the
/// platform allows private networks; never link-local or metadata); its events known types or `*`. Each
/// refusal is 400 `VALIDATION_FAILED` naming `url` or `events`. An address of the project's own SMTP relay or WhatsApp gateway is
/// refused too (``refuse(_:sharedWith:target:)``): the contract forbids aiming webhooks at a project's other targets. The guard checks the addresses again at every
/// connection, so a name that later resolves elsewhere is refused then.
struct WebhookEndpointRules: Sendable {
    /// The longest URL.
    static let maximumURLLength = 2048
    /// The most event types one endpoint lists.
    static let maximumEvents = 64

    /// The guard (the sender's, so both check alike).
    let outboundGuard: OutboundGuard
    /// Whether `http://` is accepted.
    let allowsPlainHTTP: Bool

    /// Checks `url`; returns the addresses its host resolves to now.
    @discardableResult
    func validate(url: String) async throws -> [SocketAddress] {
        let schemes = allowsPlainHTTP ? "an https:// or http:// URL" : "an https:// URL"
        guard url.utf8.count <= Self.maximumURLLength, let parsed = try? HTTPClientURL(url) else {
            throw PublicError.validation("url", "url must be \(schemes) of at most \(Self.maximumURLLength) characters.")
        }
        guard parsed.isSecure || allowsPlainHTTP else {
            throw PublicError.validation("url", "url must be \(schemes).")
        }
        do {
            return try await outboundGuard.resolve(host: parsed.host, port: parsed.port)
        } catch {
            let reason = error == .unresolvable ? "its host name does not resolve" : "its address is not allowed"
            throw PublicError.validation(
                "url", "url cannot be used: \(reason) (loopback, private, link-local and metadata addresses are refused).")
        }
    }

    /// Refuses `addresses` (an endpoint's) if one of them is an address of `others` (another target the project
    /// aims the platform at: its SMTP relay, its WhatsApp gateway, named by `target`), so a webhook is not another
    /// way to reach them.
    static func refuse(_ addresses: [SocketAddress], sharedWith others: [SocketAddress], target: String) throws {
        let taken = Set(others.map(\.bytes))
        guard !addresses.contains(where: { taken.contains($0.bytes) }) else {
            throw PublicError.validation("url", "url cannot be used: it points at the project's own \(target).")
        }
    }

    /// Checks `events`: 1 to 64 known types or `*`; answers them without repeats (`["*"]` if `*` is among them).
    static func validate(events: [String]) throws -> [String] {
        guard (1...maximumEvents).contains(events.count) else {
            throw PublicError.validation("events", "events must list 1 to \(maximumEvents) event types, or [\"*\"].")
        }
        for event in events where event != "*" && WebhookEventType(rawValue: event) == nil {
            throw PublicError.validation("events", "Unknown event type \"\(event.prefix(64))\".")
        }
        if events.contains("*") { return ["*"] }
        var seen = Set<String>()
        return events.filter { seen.insert($0).inserted }
    }
}
