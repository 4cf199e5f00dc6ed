import Contracts
import Foundation
import Wire

/// The body of `POST /v1/comms/email`, decoded once and turned into ``SendEmailRequest``.
///
/// The Router checks types and counts only: `to` is one address or an array of 1–50; `data` holds scalars
/// (numbers and booleans become text); `tags` are at most 10 strings of 1–64 characters; `send_at` is
/// RFC 3339 with an offset; a message names either `template_id` or a `subject` with `text` and/or `html`.
/// CommsService validates the addresses, header injection and the template's variables.
///
/// ```swift
/// let send = try SendEmailBody.decode(bytes).request(idempotencyKey: context.request.headers["Idempotency-Key"])
/// ```
struct SendEmailBody: RequestBody {
    /// The most recipients one message may have.
    static let maximumRecipients = SendEmailRequest.maxRecipients
    /// The most tags one message may have.
    static let maximumTags = SendEmailRequest.maxTags
    /// The longest tag.
    static let maximumTagLength = SendEmailRequest.maxTagLength

    /// A recipient (CommsService checks the syntax).
    private static let address: JSONValue = ["type": "string", "format": "email"]

    var to: [String] = []
    var subject: String?
    var text: String?
    var html: String?
    var templateID: String?
    var data: [String: String]?
    var from: String?
    var replyTo: String?
    var tags: [String]?
    var sendAt: Date?

    static let fields: [BodyField<Self>] = [
        .custom("to", schema: ["oneOf": [
            address, ["type": "array", "items": address, "minItems": 1, "maxItems": .int(maximumRecipients)],
        ]], required: true) { container, body, prefix in body.to = try recipients(container, prefix) },
        .string("subject", \.subject), .string("text", \.text), .string("html", \.html),
        .string("template_id", \.templateID, length: 1...Int.max),
        .custom("data", schema: [
            "type": ["object", "null"], "additionalProperties": ["type": ["string", "number", "boolean"]],
        ], required: false) { container, body, prefix in body.data = try templateData(container, prefix) },
        .string("from", \.from), .string("reply_to", \.replyTo),
        .strings("tags", \.tags, count: 0...maximumTags, itemLength: 1...maximumTagLength),
        .custom("send_at", schema: ["type": ["string", "null"], "format": "date-time"], required: false) {
            container, body, prefix in
            guard let text = try BodyField<Self>.value(String.self, container, "send_at", prefix, expected: "a string") else {
                return
            }
            guard let date = rfc3339(text) else {
                throw RouterError.validation(
                    prefix + "send_at", "send_at must be an RFC 3339 timestamp, e.g. 2030-01-31T09:00:00Z.")
            }
            body.sendAt = date
        },
    ]

    static let rules: [BodyRule<Self>] = [SendEmailContent.rule]

    /// The contract's request, with the `Idempotency-Key` carried to the service.
    func request(idempotencyKey: String?) -> SendEmailRequest {
        SendEmailRequest(
            to: to, subject: subject, text: text, html: html, templateID: templateID, data: data, from: from,
            replyTo: replyTo, tags: tags, sendAt: sendAt, idempotencyKey: idempotencyKey)
    }

    /// `to`: one address or 1–50 of them.
    private static func recipients(_ container: KeyedDecodingContainer<BodyKey>, _ prefix: String) throws -> [String] {
        let value = try BodyField<Self>.value(JSONValue.self, container, "to", prefix, expected: "an address or an array")
        switch value {
        case .string(let address)?:
            return [address]
        case .array(let values)?:
            guard (1...maximumRecipients).contains(values.count) else {
                throw RouterError.validation(prefix + "to", "to must name 1 to \(maximumRecipients) recipients.")
            }
            return try values.enumerated().map { index, value in
                guard case .string(let address) = value else {
                    throw RouterError.validation("\(prefix)to.\(index)", "Each recipient must be a string.")
                }
                return address
            }
        case nil, .null?:
            throw RouterError.validation(prefix + "to", "to is required.")
        default:
            throw RouterError.validation(prefix + "to", "to must be an address or an array of addresses.")
        }
    }

    /// `data`: an object of scalars, as text.
    private static func templateData(
        _ container: KeyedDecodingContainer<BodyKey>, _ prefix: String
    ) throws -> [String: String]? {
        guard let value = try BodyField<Self>.value(JSONValue.self, container, "data", prefix, expected: "an object")
        else { return nil }
        guard case .object(let members) = value else {
            throw RouterError.validation(prefix + "data", "data must be an object.")
        }
        var data: [String: String] = [:]
        for (name, value) in members {
            guard let text = value.scalarText else {
                throw RouterError.validation(
                    "\(prefix)data.\(name)", "Template data values must be strings, numbers or booleans.")
            }
            data[name] = text
        }
        return data
    }

    /// Parses `2030-01-31T09:00:00Z`, with or without fractional seconds, with `Z` or a `±hh:mm` offset.
    static func rfc3339(_ text: String) -> Date? {
        guard text.count <= 64 else { return nil }
        let normalized = text.uppercased()
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(normalized) { return date }
        return try? Date.ISO8601FormatStyle().parse(normalized)
    }
}
