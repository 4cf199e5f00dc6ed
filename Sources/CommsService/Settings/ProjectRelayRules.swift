import Contracts
import ServiceKit

/// What a project's own relay (`PUT /v1/comms/settings` `smtp_url`) may be, checked when it is saved and
/// again when the outbox connects (DNS may have changed): `smtp://` or `smtps://`, TLS (STARTTLS or
/// implicit; never `tls=none`), a port of ``OutboundPolicy/smtpRelayPorts``, and an address the
/// ``OutboundGuard`` allows (public unless the platform allows private networks; link-local and cloud
/// metadata never). The platform relay (`SMTP_URL`) is the operator's and is not checked.
///
/// What a project is told names the rule, never an address or what a host answered.
struct ProjectRelayRules: Sendable {
    /// Resolves and checks relays' addresses.
    let outbound: OutboundGuard

    /// Rules over `policy` (its ports are the relay ports).
    init(policy: OutboundPolicy) {
        self.outbound = OutboundGuard(policy: policy)
    }

    /// Rules over a ready guard (tests give one with their own resolver or ports).
    init(outbound: OutboundGuard) {
        self.outbound = outbound
    }

    /// Save time: parses `url` and checks scheme, TLS and port, and the address when the name resolves now
    /// (a name that does not resolve yet is accepted: it is checked again at every connect). Throws 400
    /// `VALIDATION_FAILED` with field `smtp_url`.
    func validate(_ url: String) async throws(PublicError) -> SMTPRelay {
        let relay: SMTPRelay
        do {
            relay = try SMTPRelay(url: url)
        } catch {
            throw PublicError.validation("smtp_url", error.description + ".")
        }
        if let problem = problem(relay) { throw PublicError.validation("smtp_url", problem) }
        do {
            _ = try await outbound.resolve(host: relay.host, port: relay.port)
        } catch .addressNotAllowed {
            throw PublicError.validation("smtp_url", "The relay's address is not allowed: it must be a public address.")
        } catch {
            // Unresolvable now: checked again when the outbox connects.
        }
        return relay
    }

    /// The rule `relay` breaks without looking it up (TLS, port), or nil.
    func problem(_ relay: SMTPRelay) -> String? {
        if relay.security == .none {
            return "A project's relay must use TLS: tls=starttls (the default), tls=implicit or smtps://."
        }
        if (try? outbound.check(port: relay.port)) == nil {
            let ports = outbound.policy.allowedPorts.sorted().map(String.init).joined(separator: ", ")
            return "The relay's port must be one of \(ports)."
        }
        return nil
    }

    /// The outcome a message gets when a relay is refused at connect time: an address not allowed (or a
    /// rule broken) fails for good; a name that does not resolve is retried.
    static func openFailure(_ refusal: OutboundRefusal) -> SMTPSession.OpenFailure {
        switch refusal {
        case .unresolvable:
            SMTPSession.OpenFailure(outcome: .temporaryFailure(detail: "could not resolve the relay's host name"))
        case .addressNotAllowed, .portNotAllowed:
            SMTPSession.OpenFailure(outcome: .permanentFailure(detail: "the relay's address is not allowed", rejected: []))
        }
    }
}
