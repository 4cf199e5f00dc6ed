import Contracts

/// The DNS records a project publishes for a sender domain, derived from the stored domain and the
/// platform's SPF host (`COMMS_SPF_INCLUDE`):
///
/// | purpose | type | name | value |
/// |---|---|---|---|
/// | spf | TXT | `<domain>` | `v=spf1 include:<spf host> ~all` |
/// | dkim | TXT | `<selector>._domainkey.<domain>` | `v=DKIM1; k=rsa; p=<base64 SubjectPublicKeyInfo>` |
/// | dkim | TXT | `<ed25519 selector>._domainkey.<domain>` | `v=DKIM1; k=ed25519; p=<base64 of 32 bytes>` (RFC 8463) |
/// | dmarc | TXT | `_dmarc.<domain>` | `v=DMARC1; p=none;` (advisory: not checked) |
struct DomainRecords: Sendable {
    /// The host every SPF record includes.
    let spfInclude: String

    /// The records of `domain`, in the order above.
    func records(of domain: StoredDomain) -> [DomainRecordView] {
        [
            DomainRecordView(type: "TXT", name: domain.name, value: spfValue, purpose: DomainRecordPurpose.spf.rawValue),
            DomainRecordView(
                type: "TXT", name: Self.dkimName(domain), value: Self.dkimValue(publicKey: domain.keys.publicKey),
                purpose: DomainRecordPurpose.dkim.rawValue),
            DomainRecordView(
                type: "TXT", name: Self.ed25519Name(domain), value: Self.ed25519Value(publicKey: domain.keys.ed25519PublicKey),
                purpose: DomainRecordPurpose.dkim.rawValue),
            DomainRecordView(
                type: "TXT", name: "_dmarc." + domain.name, value: "v=DMARC1; p=none;",
                purpose: DomainRecordPurpose.dmarc.rawValue),
        ]
    }

    /// `v=spf1 include:<host> ~all`.
    var spfValue: String { "v=spf1 include:\(spfInclude) ~all" }

    /// `<selector>._domainkey.<domain>`.
    static func dkimName(_ domain: StoredDomain) -> String { "\(domain.keys.selector)._domainkey.\(domain.name)" }

    /// `v=DKIM1; k=rsa; p=<key>`.
    static func dkimValue(publicKey: String) -> String { "v=DKIM1; k=rsa; p=\(publicKey)" }

    /// `<ed25519 selector>._domainkey.<domain>`.
    static func ed25519Name(_ domain: StoredDomain) -> String { "\(domain.keys.ed25519Selector)._domainkey.\(domain.name)" }

    /// `v=DKIM1; k=ed25519; p=<key>`.
    static func ed25519Value(publicKey: String) -> String { "v=DKIM1; k=ed25519; p=\(publicKey)" }
}
