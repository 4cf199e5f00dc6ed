import Contracts
import Foundation

/// The WhatsApp views as JSON and their schemas.
enum WhatsAppSchemas {
    private static let nullableString: JSONValue = ["type": ["string", "null"]]
    private static let integer: JSONValue = ["type": "integer"]

    /// `{"gateway_url","has_api_key"}`.
    static let settings = Schemas.object([("gateway_url", nullableString), ("has_api_key", ["type": "boolean"])])
    /// An instance.
    static let instance = Schemas.object([
        ("id", Schemas.string), ("name", Schemas.string),
        ("connection", ["type": "string", "enum": ["connecting", "open", "close"]]),
        ("health", ["type": "string", "enum": ["WARMUP", "ACTIVE", "THROTTLED", "BANNED"]]),
        ("warmup_day", integer), ("daily_cap", integer), ("sent_today", integer), ("sent_last_minute", integer),
        ("created_at", Schemas.timestamp), ("health_changed_at", Schemas.timestamp), ("health_reason", nullableString),
        ("qr_code", nullableString), ("pairing_code", nullableString),
    ], optional: ["qr_code", "pairing_code"])
    /// `{"id","status","instance_id"}`.
    static let accepted = Schemas.object([("id", Schemas.string), ("status", Schemas.string), ("instance_id", nullableString)])
}

extension WhatsAppSettingsView {
    var json: JSONValue { ["gateway_url": .string(gatewayURL), "has_api_key": .bool(hasAPIKey)] }
}

extension WhatsAppInstanceView {
    /// The contract's instance; `qr_code`/`pairing_code` only when the gateway gave them (create, connect).
    var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .string(id)), ("name", .string(name)), ("connection", .string(connection)), ("health", .string(health)),
            ("warmup_day", .int(warmupDay)), ("daily_cap", .int(dailyCap)), ("sent_today", .int(sentToday)),
            ("sent_last_minute", .int(sentLastMinute)), ("created_at", .date(createdAt)),
            ("health_changed_at", .date(healthChangedAt)), ("health_reason", .string(healthReason)),
        ]
        if qrCode != nil || pairingCode != nil {
            members.append(("qr_code", .string(qrCode)))
            members.append(("pairing_code", .string(pairingCode)))
        }
        return .object(members)
    }
}
