import Contracts
import Foundation
import Wire

/// The body of `POST /v1/comms/email`, checked for shape at the edge and turned into ``SendEmailRequest``.
///
/// The Router checks types and counts only: `to` is one address or an array of 1–50; `data` holds scalars
/// (numbers and booleans become text); `tags` are at most 10 strings of 1–64 characters; `send_at` is
/// RFC 3339 with an offset; a message names either `template_id` or a `subject` with `text` and/or `html`.
/// CommsService validates the addresses, header injection and the template's variables.
///
/// ```swift
/// let send = try CommsEmailBody.request(from: body, idempotencyKey: request.http.headers["Idempotency-Key"])
/// ```
enum CommsEmailBody {
    /// The most recipients one message may have.
    static let maximumRecipients = 50
    /// The most tags one message may have.
    static let maximumTags = 10
    /// The longest tag.
    static let maximumTagLength = 64

    /// The request for `body` (a decoded JSON body), or 400 `VALIDATION_FAILED` naming the first bad field.
    static func request(from body: JSONValue, idempotencyKey: String?) throws(RouterError) -> SendEmailRequest {
        guard let members = body.objectMembers else { throw .validation("body", "The body must be a JSON object.") }
        let fields = fileprivateFields(members)
        let to = try recipients(fields["to"])
        let subject = try string(fields, "subject")
        let text = try string(fields, "text")
        let html = try string(fields, "html")
        let templateID = try string(fields, "template_id")
        if let templateID {
            guard !templateID.isEmpty else { throw .validation("template_id", "template_id must not be empty.") }
            guard text == nil, html == nil else {
                throw .validation("template_id", "Send either template_id or text/html, not both.")
            }
        } else {
            guard let subject, !subject.isEmpty else {
                throw .validation("subject", "subject is required unless template_id is given.")
            }
            guard !(text ?? "").isEmpty || !(html ?? "").isEmpty else {
                throw .validation("text", "text or html is required unless template_id is given.")
            }
        }
        return SendEmailRequest(
            to: to, subject: subject, text: text, html: html, templateID: templateID, data: try data(fields["data"]),
            from: try string(fields, "from"), replyTo: try string(fields, "reply_to"), tags: try tags(fields["tags"]),
            sendAt: try sendAt(fields["send_at"]), idempotencyKey: idempotencyKey)
    }

    /// `to`: one address or 1–50 of them.
    private static func recipients(_ value: JSONValue?) throws(RouterError) -> [String] {
        switch value {
        case .string(let address)?:
            return [address]
        case .array(let values)?:
            guard (1...maximumRecipients).contains(values.count) else {
                throw .validation("to", "to must name 1 to \(maximumRecipients) recipients.")
            }
            var addresses: [String] = []
            for (index, value) in values.enumerated() {
                guard case .string(let address) = value else {
                    throw .validation("to.\(index)", "Each recipient must be a string.")
                }
                addresses.append(address)
            }
            return addresses
        case nil, .null?:
            throw .validation("to", "to is required.")
        default:
            throw .validation("to", "to must be an address or an array of addresses.")
        }
    }

    /// An optional string member (null counts as absent).
    private static func string(_ fields: [String: JSONValue], _ name: String) throws(RouterError) -> String? {
        switch fields[name] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        default: throw .validation(name, "\(name) must be a string.")
        }
    }

    /// `data`: an object of scalars, as text.
    private static func data(_ value: JSONValue?) throws(RouterError) -> [String: String]? {
        switch value {
        case nil, .null?: return nil
        case .object(let members)?:
            var data: [String: String] = [:]
            for (name, value) in members {
                guard let text = value.scalarText else {
                    throw .validation("data.\(name)", "Template data values must be strings, numbers or booleans.")
                }
                data[name] = text
            }
            return data
        default: throw .validation("data", "data must be an object.")
        }
    }

    /// `tags`: up to 10 strings of 1–64 characters.
    private static func tags(_ value: JSONValue?) throws(RouterError) -> [String]? {
        switch value {
        case nil, .null?: return nil
        case .array(let values)?:
            guard values.count <= maximumTags else {
                throw .validation("tags", "At most \(maximumTags) tags are allowed.")
            }
            var tags: [String] = []
            for (index, value) in values.enumerated() {
                guard case .string(let tag) = value, (1...maximumTagLength).contains(tag.count) else {
                    throw .validation("tags.\(index)", "Each tag must be a string of 1 to \(maximumTagLength) characters.")
                }
                tags.append(tag)
            }
            return tags
        default: throw .validation("tags", "tags must be an array of strings.")
        }
    }

    /// `send_at`: an RFC 3339 timestamp with a UTC offset.
    private static func sendAt(_ value: JSONValue?) throws(RouterError) -> Date? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?:
            guard let date = rfc3339(text) else {
                throw .validation("send_at", "send_at must be an RFC 3339 timestamp, e.g. 2030-01-31T09:00:00Z.")
            }
            return date
        default: throw .validation("send_at", "send_at must be an RFC 3339 timestamp string.")
        }
    }

    /// Parses `2030-01-31T09:00:00Z`, with or without fractional seconds, with `Z` or a `±hh:mm` offset.
    static func rfc3339(_ text: String) -> Date? {
        guard text.count <= 64 else { return nil }
        let normalized = text.uppercased()
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(normalized) { return date }
        return try? Date.ISO8601FormatStyle().parse(normalized)
    }
}

/// An object's members by name (the JSON decoder already kept the last of duplicate names).
fileprivate func fileprivateFields(_ members: [(String, JSONValue)]) -> [String: JSONValue] {
    var fields: [String: JSONValue] = [:]
    for (name, value) in members { fields[name] = value }
    return fields
}
