import Contracts

/// `POST /v1/webhooks/endpoints`: `{"url","events":[…] or ["*"],"description"?}`. The shape is checked
/// here; CommsService checks the URL against the outbound guard and the event types (400 with the field).
struct CreateWebhookEndpointBody: RequestBody {
    var url = ""
    var events: [String]?
    var description: String?

    static let fields: [BodyField<Self>] = [
        .string("url", \.url, length: 1...WebhookEndpointLimits.urlLength, printable: true,
                description: "https:// (http:// only where the platform allows it) on a public address."),
        .strings("events", \.events, count: 1...WebhookEndpointLimits.events, itemLength: 1...64),
        .string("description", \.description, length: 0...512),
    ]
}

/// `PATCH /v1/webhooks/endpoints/{id}`: what is absent stays as it is.
struct UpdateWebhookEndpointBody: RequestBody {
    var url: String?
    var events: [String]?
    var status: String?
    var description: String?

    static let fields: [BodyField<Self>] = [
        .string("url", \.url, length: 1...WebhookEndpointLimits.urlLength),
        .strings("events", \.events, count: 1...WebhookEndpointLimits.events, itemLength: 1...64),
        .string("status", \.status, values: ["enabled", "disabled"]),
        .string("description", \.description, length: 0...512),
    ]
}

/// The bounds both bodies state.
enum WebhookEndpointLimits {
    /// The longest URL.
    static let urlLength = 2048
    /// The most event types.
    static let events = 64
}
