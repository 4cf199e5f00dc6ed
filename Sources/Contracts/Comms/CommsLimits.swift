/// The limits of an email that both the Router (at the edge, and in its OpenAPI document) and CommsService
/// (whoever calls it) check: declared once, here.
extension SendEmailRequest {
    /// The most recipients one message may have.
    public static let maxRecipients = 50
    /// The most tags one message may have.
    public static let maxTags = 10
    /// The longest tag, in characters.
    public static let maxTagLength = 64
}

extension CreateTemplateRequest {
    /// The longest template name, in characters.
    public static let maxNameLength = 128
}

/// The states a message moves through (the contract's list, in its order; also `?status=`'s values).
public enum MessageStatus: String, CaseIterable, Codable, Sendable, Hashable {
    case queued, sending, sent, delivered, failed, bounced, complained, suppressed, read
}
