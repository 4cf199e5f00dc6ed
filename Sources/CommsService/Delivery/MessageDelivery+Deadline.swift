import ServiceKit

extension MessageDelivery {
    /// How long a message whose relay is at its cap waits before it is claimed again (unattempted).
    static let relayBusyDelay: Duration = .seconds(1)

    /// The key a project relay is capped under: `host:port`, lower-cased (credentials apart: several projects
    /// using one slow host share its cap). Nil for a URL that does not parse (the transport fails it).
    static func relayKey(_ url: Secret<String>) -> String? {
        guard let relay = try? SMTPRelay(url: url.value) else { return nil }
        return "\(relay.host.lowercased()):\(relay.port)"
    }

    /// Sends through the transport, giving up after ``sendTimeout``: the send is cancelled (its connection
    /// dropped) and the attempt is a temporary failure — unless the relay's verdict arrived meanwhile, which
    /// is kept (a `250` is never turned into a retry, so a deadline cannot cause a duplicate by itself).
    func send(mailFrom: String, recipients: [String], data: [UInt8], relay: Secret<String>?) async -> SMTPOutcome {
        let timeout = sendTimeout
        let (sent, expired) = await withTaskGroup(of: SMTPOutcome?.self) { group -> (SMTPOutcome?, Bool) in
            group.addTask {
                await transport.send(mailFrom: mailFrom, recipients: recipients, data: data, relay: relay)
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            guard first == nil else { return (first, false) }
            return (await group.next() ?? nil, true)
        }
        switch sent {
        case let outcome? where !expired: return outcome
        case .delivered?, .permanentFailure?: return sent!  // the verdict arrived as the deadline passed
        default:
            let seconds = Double(timeout.wholeMilliseconds) / 1000
            return .temporaryFailure(detail: "the relay did not finish within \(Self.format(seconds)) s")
        }
    }
}
