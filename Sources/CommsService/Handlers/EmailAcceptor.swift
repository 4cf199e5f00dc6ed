import Contracts
import Foundation
import ServiceKit
import Wire

/// Accepts emails into the outbox: validates everything (addresses, sender, template and its variables,
/// header injection), renders the RFC 5322 message once with `Message-ID: <msg_…@domain>` (stable across
/// retries, so receivers can drop duplicates), and commits it with its first event before answering.
///
/// An `idempotencyKey` used in the project within 24 h with the same request returns that message (same id
/// and status); with another request it is `IDEMPOTENCY_KEY_REUSED` (``IdempotencyCheck``). A message
/// whose recipients are all suppressed is accepted as `suppressed` and never sent.
///
/// Concurrent accepts are committed together (``commits``, group commit: one statement and one commit per
/// batch, ``CommsStore/insertAll(_:)``), each answered after the commit that holds it; the project's settings
/// come from ``settings`` (a 1 s cache dropped on save), so an accept without an idempotency key, template or
/// sender domain reads nothing before its commit.
struct EmailAcceptor: Sendable {
    /// The tables.
    let store: CommsStore
    /// Commits accepted messages in batches.
    let commits: GroupCommit<NewMessage, SendEmailResponse>
    /// The projects' settings, cached.
    let settings: SettingsCache
    /// `COMMS_DEFAULT_FROM`.
    let defaultFrom: String?
    /// `COMMS_MESSAGE_ID_DOMAIN`.
    let messageIDDomain: String
    /// Checks the sender, renders and DKIM-signs.
    let senders: SenderPolicy
    /// Called after a commit to wake this process's workers at once (the `NOTIFY` wakes all replicas).
    var onAccepted: @Sendable () -> Void = {}

    /// The group commit of `store`'s accepts, counting each batch's size into `batchSizes`.
    static func commits(store: CommsStore, batchSizes: Histogram? = nil) -> GroupCommit<NewMessage, SendEmailResponse> {
        GroupCommit(maximumBatch: 256) { batch in
            batchSizes?.observe(Double(batch.count))
            return try await store.insertAll(batch)
        }
    }

    /// The buckets of the batch-size histogram.
    static let batchSizeBuckets: [Double] = [1, 2, 4, 8, 16, 32, 64, 128, 256]

    /// The contract's limits on tags.
    static let maximumTags = SendEmailRequest.maxTags
    static let maximumTagLength = SendEmailRequest.maxTagLength

    /// `comms.SendEmail`: a template of the project (`templateID` with `data`) or inline content.
    func accept(_ request: SendEmailRequest, projectID: String) async throws -> SendEmailResponse {
        let idempotency = try IdempotencyCheck(request, method: CommsContract.sendEmail.name)
        if let first = try await idempotency?.replay(from: store, projectID: projectID) {
            try await store.releaseUnused(request.reservationID, messageID: first.id, projectID: projectID)
            return first
        }
        let settings = try await projectSettings(projectID)
        let content: (subject: String, text: String?, html: String?)
        if let templateID = request.templateID {
            guard request.subject == nil, request.text == nil, request.html == nil else {
                throw PublicError.validation("template_id", "Give either template_id or subject/text/html, not both.")
            }
            guard ResourceID.isWellFormed(templateID, prefix: "tpl_"),
                  let stored = try await store.template(id: templateID, projectID: projectID)
            else { throw PublicError.validation("template_id", "The project has no template with this id.") }
            content = try EmailTemplate(subject: stored.subject, text: stored.text, html: stored.html)
                .render(request.data ?? [:])
        } else {
            guard let subject = request.subject else { throw PublicError.validation("subject", "The subject is required.") }
            content = (subject, request.text, request.html)
        }
        return try await commit(
            projectID: projectID, settings: settings, to: request.to, from: request.from, replyTo: request.replyTo,
            content: content, tags: request.tags ?? [], sendAt: request.sendAt, idempotency: idempotency,
            reservationID: request.reservationID)
    }

    /// `comms.SendTemplatedEmail`: the project's template of that name, else the built-in one.
    func accept(_ request: SendTemplatedEmailRequest, projectID: String) async throws -> SendEmailResponse {
        let idempotency = try IdempotencyCheck(request, method: CommsContract.sendTemplatedEmail.name)
        if let first = try await idempotency?.replay(from: store, projectID: projectID) { return first }
        let settings = try await projectSettings(projectID)
        let template: EmailTemplate
        if let stored = try await store.template(named: request.template, projectID: projectID) {
            template = try EmailTemplate(subject: stored.subject, text: stored.text, html: stored.html)
        } else if let builtIn = BuiltInTemplates.template(named: request.template) {
            template = builtIn
        } else {
            throw PublicError.validation("template", "There is no template with this name.")
        }
        return try await commit(
            projectID: projectID, settings: settings, to: request.to, from: nil, replyTo: nil,
            content: try template.render(request.data), tags: [], sendAt: nil, idempotency: idempotency)
    }

    /// The project's settings through the cache.
    private func projectSettings(_ projectID: String) async throws -> StoredSettings {
        try await settings.settings(projectID: projectID) { try await store.settings(projectID: projectID) }
    }

    private func commit(
        projectID: String, settings: StoredSettings, to: [String], from: String?, replyTo: String?,
        content: (subject: String, text: String?, html: String?), tags: [String], sendAt: Date?,
        idempotency: IdempotencyCheck?, reservationID: String? = nil
    ) async throws -> SendEmailResponse {
        guard !to.isEmpty else { throw PublicError.validation("to", "At least one recipient is required.") }
        guard to.count <= MailMessage.maximumRecipients else {
            throw PublicError.validation("to", "At most \(MailMessage.maximumRecipients) recipients are allowed.")
        }
        let recipients = try to.enumerated().map { index, text throws(MailValidationError) in
            try MailAddress(parsing: text, field: "to.\(index)")
        }
        try Self.validate(tags: tags)
        guard let fromText = from ?? settings.defaultFrom ?? defaultFrom else {
            throw PublicError.validation("from", "A sender is required: give from, or set the project's default sender.")
        }
        let sender = try MailAddress(parsing: fromText, field: "from")
        let replyAddress = try replyTo.map { (text) throws(MailValidationError) in
            try MailAddress(parsing: text, field: "reply_to")
        }
        let id = ResourceID.make("msg_")
        let message = MailMessage(
            messageID: "\(id)@\(messageIDDomain)", date: Date(), from: sender, replyTo: replyAddress, to: recipients,
            subject: content.subject, text: content.text, html: content.html, unsubscribeURL: settings.unsubscribeURL)
        let body = try await senders.render(message, projectID: projectID)
        var envelope: [String] = []
        for address in recipients.map(\.normalizedAddress) where !envelope.contains(address) { envelope.append(address) }
        // Suppressions are read in the committing statement, so the status is decided at commit.
        let response = try await commits.submit(NewMessage(
            id: id, projectID: projectID, recipients: envelope, mailFrom: sender.address, tags: tags, body: body,
            sendAt: max(sendAt ?? Date(), Date()), idempotency: idempotency, reservationID: reservationID))
        if response.status == "queued" { onAccepted() }
        return response
    }

    private static func validate(tags: [String]) throws(PublicError) {
        guard tags.count <= maximumTags else { throw PublicError.validation("tags", "At most \(maximumTags) tags are allowed.") }
        for tag in tags where tag.isEmpty || tag.count > maximumTagLength
            || tag.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw PublicError.validation("tags", "Each tag must be 1 to \(maximumTagLength) characters without control characters.")
        }
    }
}
