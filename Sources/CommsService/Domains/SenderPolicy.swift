import Contracts
import Foundation
import ServiceKit

/// Who a project may send as, and the DKIM signature that goes with it.
///
/// A sender (`from`, or the project's `default_from`) must be an address whose domain is exactly one of the
/// project's **verified** sender domains (a subdomain needs its own domain: `news.example.com` is not covered
/// by `example.com`), or the platform's own sender (`COMMS_DEFAULT_FROM`'s address, any display name).
/// Anything else is 400 `VALIDATION_FAILED` naming the field. Mail from a verified domain is signed with the
/// domain's DKIM keys (ed25519-sha256 and rsa-sha256) when it is rendered, so every attempt sends the same bytes.
///
/// ```swift
/// let body = try await policy.render(message, projectID: projectID)   // checks `from`, renders, signs
/// try await policy.check(address, projectID: projectID, field: "default_from")
/// ```
struct SenderPolicy: Sendable {
    /// The tables.
    let store: CommsStore
    /// Opens the domains' DKIM keys.
    let sealer: DomainKeySealer
    /// The platform's sender address (lower-cased addr-spec of `COMMS_DEFAULT_FROM`), always allowed.
    let platformAddress: String?

    /// The message's bytes, after checking its sender (field `from`), signed when the sender's domain is verified.
    func render(_ message: MailMessage, projectID: String) async throws -> [UInt8] {
        let signers = try await check(message.from, projectID: projectID, field: "from")
        var bytes = try message.render()
        for signer in signers { bytes = try signer.sign(bytes, at: message.date) }
        return bytes
    }

    /// Checks `sender` for `projectID`; answers the signers of its verified domain, Ed25519 first and RSA last
    /// (so the RSA signature is the top field, the one verifiers without RFC 8463 look at), none for the
    /// platform's sender. Throws `VALIDATION_FAILED` naming `field` for any other address.
    @discardableResult
    func check(_ sender: MailAddress, projectID: String, field: String) async throws -> [DKIMSigner] {
        if let platformAddress, sender.normalizedAddress == platformAddress { return [] }
        guard let name = sender.domain, let domain = try await store.verifiedDomain(named: name, projectID: projectID)
        else {
            throw PublicError.validation(
                field, "The sender must be an address of one of the project's verified domains, or the platform's sender.")
        }
        let rsa = try sealer.open(domain.keys.sealedKey, projectID: projectID, domainID: domain.id)
        let ed25519 = try sealer.openEd25519(domain.keys.ed25519SealedKey, projectID: projectID, domainID: domain.id)
        return [
            DKIMSigner(domain: domain.name, selector: domain.keys.ed25519Selector, key: .ed25519(ed25519)),
            DKIMSigner(domain: domain.name, selector: domain.keys.selector, key: .rsa(rsa)),
        ]
    }
}
