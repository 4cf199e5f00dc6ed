import Contracts

/// `PUT /v1/comms/whatsapp/settings`: the project's own gateway (absent keeps, empty clears).
struct WhatsAppSettingsBody: RequestBody {
    var gatewayURL: String?
    var gatewayAPIKey: String?

    static let fields: [BodyField<Self>] = [
        .string("gateway_url", \.gatewayURL, length: 0...2048,
                description: "The Evolution API v2 gateway's base URL (https://); empty returns to the platform's."),
        .string("gateway_api_key", \.gatewayAPIKey, length: 0...512,
                description: "Its apikey; stored encrypted and never shown again."),
    ]
}

/// `POST /v1/comms/whatsapp/instances`: `{"name"}`.
struct CreateWhatsAppInstanceBody: RequestBody {
    var name = ""

    static let fields: [BodyField<Self>] = [
        .string("name", \.name, length: 1...100, printable: true, description: "A name for the number."),
    ]
}

/// `POST /v1/comms/whatsapp/messages`: `{"to","text","instance_id"?,"priority"?}` (Comms checks `to` is E.164
/// and `text` 1–4,096 characters, naming the field).
struct SendWhatsAppBody: RequestBody {
    var to = ""
    var text = ""
    var instanceID: String?
    var priority: String?

    static let fields: [BodyField<Self>] = [
        .string("to", \.to, description: "E.164: + and 8 to 15 digits, e.g. +51987654321."),
        .string("text", \.text, description: "1 to 4,096 characters."),
        .string("instance_id", \.instanceID, description: "The instance to send from; SmartSend chooses when absent."),
        .string("priority", \.priority, values: ["high", "normal", "low"], description: "Queue order (default normal)."),
    ]
}
