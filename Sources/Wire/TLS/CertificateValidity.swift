import Foundation

/// The validity window written into a certificate (`notBefore`…`notAfter`).
///
/// ```swift
/// let validity = CertificateValidity.days(90)                                  // from 5 minutes ago
/// let expired = CertificateValidity(notBefore: .now - 172_800, notAfter: .now - 86_400)
/// ```
public struct CertificateValidity: Sendable, Hashable {
    /// The first instant the certificate is valid.
    public var notBefore: Date
    /// The last instant the certificate is valid.
    public var notAfter: Date

    /// A window with explicit bounds (`notAfter` must be later than `notBefore`).
    public init(notBefore: Date, notAfter: Date) {
        self.notBefore = notBefore
        self.notAfter = notAfter
    }

    /// `days` days from `start`, with `notBefore` backdated 5 minutes to tolerate clock skew between hosts.
    public static func days(_ days: Int, from start: Date = Date()) -> CertificateValidity {
        CertificateValidity(notBefore: start - 300, notAfter: start + TimeInterval(days) * 86_400)
    }
}
