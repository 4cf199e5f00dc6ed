import Foundation
import Contracts

/// Decides a sender domain's status from DNS: `verified` when the domain's SPF record includes the platform's
/// SPF host and both DKIM selectors' TXT records (RSA, then Ed25519) hold the domain's public keys; else
/// `failed`, with a `failure` that names the first record that did not match (SPF first, then DKIM). DMARC is advisory and not
/// looked up. A lookup that fails (timeout, server failure) fails the verification and says so; it can be
/// retried.
struct DomainVerifier: Sendable {
    /// Asks the configured resolver.
    let resolver: DNSResolver
    /// The expected records.
    let records: DomainRecords

    /// The status and failure for `domain`.
    func verify(_ domain: StoredDomain) async -> (status: DomainStatus, failure: String?) {
        do {
            if let failure = Self.spfFailure(try await resolver.txt(domain.name), domain: domain.name, include: records.spfInclude) {
                return (.failed, failure)
            }
        } catch {
            return (.failed, "spf: the DNS lookup of TXT \(domain.name) failed (\(error))")
        }
        for (name, publicKey) in [(DomainRecords.dkimName(domain), domain.keys.publicKey),
                                  (DomainRecords.ed25519Name(domain), domain.keys.ed25519PublicKey)] {
            do {
                if let failure = Self.dkimFailure(try await resolver.txt(name), name: name, publicKey: publicKey) {
                    return (.failed, failure)
                }
            } catch {
                return (.failed, "dkim: the DNS lookup of TXT \(name) failed (\(error))")
            }
        }
        return (.verified, nil)
    }

    /// Why the TXT values at the domain are not an SPF record including `include`, or nil when they are.
    static func spfFailure(_ values: [String], domain: String, include: String) -> String? {
        let spf = values.filter { $0.lowercased() == "v=spf1" || $0.lowercased().hasPrefix("v=spf1 ") }
        guard !spf.isEmpty else { return "spf: no TXT record v=spf1 at \(domain)" }
        guard spf.count == 1 else { return "spf: more than one TXT record v=spf1 at \(domain) (RFC 7208 §4.5)" }
        let wanted = "include:" + include.lowercased()
        let terms = spf[0].lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard terms.contains(where: { $0 == wanted || $0 == "+" + wanted }) else {
            return "spf: the TXT record v=spf1 at \(domain) does not contain \(wanted)"
        }
        return nil
    }

    /// Why the TXT values at the selector's name do not publish `publicKey`, or nil when one does.
    static func dkimFailure(_ values: [String], name: String, publicKey: String) -> String? {
        guard !values.isEmpty else { return "dkim: no TXT record at \(name)" }
        for value in values where tags(value)["p"] == publicKey { return nil }
        return "dkim: the TXT record at \(name) does not hold the domain's public key"
    }

    /// A DKIM tag list (`v=DKIM1; k=rsa; p=…`) as a dictionary, white space removed from values (RFC 6376 §3.2).
    static func tags(_ value: String) -> [String: String] {
        var tags: [String: String] = [:]
        for part in value.split(separator: ";") {
            guard let equals = part.firstIndex(of: "=") else { continue }
            let name = part[..<equals].trimmingCharacters(in: .whitespacesAndNewlines)
            tags[name] = String(part[part.index(after: equals)...].filter { !$0.isWhitespace })
        }
        return tags
    }
}
