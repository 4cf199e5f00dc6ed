import Foundation
import Wire

/// CommsService's WhatsApp methods (`comms.WhatsApp*`): the project's gateway settings, its instances (numbers
/// behind an Evolution API gateway), the SmartSend queue and the gateway's inbound events. `docs/whatsapp.md`.
extension CommsContract {
    /// `comms.GetWhatsAppSettings`: the project's gateway (never the key).
    public static let getWhatsAppSettings = MethodDescriptor<Empty, WhatsAppSettingsView>(
        "comms.GetWhatsAppSettings", allowedCallers: .only(["router"]))
    /// `comms.UpdateWhatsAppSettings`: sets the project's own gateway (absent keeps, empty clears); the URL goes
    /// through the outbound guard, the key is sealed.
    public static let updateWhatsAppSettings = MethodDescriptor<UpdateWhatsAppSettingsRequest, WhatsAppSettingsView>(
        "comms.UpdateWhatsAppSettings", allowedCallers: .only(["router"]))
    /// `comms.CreateWhatsAppInstance`: a new instance on the gateway (`PLAN_LIMIT_REACHED` past `instanceLimit`).
    public static let createWhatsAppInstance = MethodDescriptor<CreateWhatsAppInstanceRequest, WhatsAppInstanceView>(
        "comms.CreateWhatsAppInstance", allowedCallers: .only(["router"]))
    /// `comms.ListWhatsAppInstances`: the project's instances, newest first.
    public static let listWhatsAppInstances = MethodDescriptor<Empty, [WhatsAppInstanceView]>(
        "comms.ListWhatsAppInstances", allowedCallers: .only(["router"]))
    /// `comms.GetWhatsAppInstance`: one instance (`NOT_FOUND` for an unknown or another project's id).
    public static let getWhatsAppInstance = MethodDescriptor<WhatsAppInstanceIDRequest, WhatsAppInstanceView>(
        "comms.GetWhatsAppInstance", allowedCallers: .only(["router"]))
    /// `comms.ConnectWhatsAppInstance`: a fresh QR code / pairing code from the gateway.
    public static let connectWhatsAppInstance = MethodDescriptor<WhatsAppInstanceIDRequest, WhatsAppInstanceView>(
        "comms.ConnectWhatsAppInstance", allowedCallers: .only(["router"]))
    /// `comms.DeleteWhatsAppInstance`: removes it from the gateway; its queue moves to another healthy instance or
    /// fails with a reason.
    public static let deleteWhatsAppInstance = MethodDescriptor<WhatsAppInstanceIDRequest, Empty>(
        "comms.DeleteWhatsAppInstance", allowedCallers: .only(["router"]))
    /// `comms.SendWhatsApp`: validates and commits a text to SmartSend's queue; answers after the commit.
    public static let sendWhatsApp = MethodDescriptor<SendWhatsAppRequest, SendWhatsAppResponse>(
        "comms.SendWhatsApp", allowedCallers: .only(["router"]))
    /// `comms.RecordWhatsAppEvent`: a gateway event posted to an instance's webhook; the token names the
    /// instance (an unknown one is `INVALID_SIGNATURE`). Idempotent.
    public static let recordWhatsAppEvent = MethodDescriptor<WhatsAppEventRequest, Empty>(
        "comms.RecordWhatsAppEvent", allowedCallers: .only(["router"]))
}

extension CommsContract.Client {
    /// Calls any comms method.
    public func call<Request, Response>(
        _ method: MethodDescriptor<Request, Response>, _ request: Request, _ context: CallContext
    ) async throws -> Response {
        try await client.call(method, request, context)
    }
}

/// The project's WhatsApp gateway as shown (`GET/PUT /v1/comms/whatsapp/settings`).
public struct WhatsAppSettingsView: Codable, Sendable, Hashable {
    /// The project's own gateway, or nil for the platform's.
    public var gatewayURL: String?
    /// Whether a key is stored (it is never shown).
    public var hasAPIKey: Bool

    /// Creates a view.
    public init(gatewayURL: String?, hasAPIKey: Bool) {
        self.gatewayURL = gatewayURL
        self.hasAPIKey = hasAPIKey
    }
}

/// `comms.UpdateWhatsAppSettings`' request: nil keeps, an empty string clears.
public struct UpdateWhatsAppSettingsRequest: Codable, Sendable, Hashable {
    /// The gateway's base URL.
    public var gatewayURL: String?
    /// Its `apikey` (sealed at rest).
    public var gatewayAPIKey: String?

    /// Creates a request.
    public init(gatewayURL: String?, gatewayAPIKey: String?) {
        self.gatewayURL = gatewayURL
        self.gatewayAPIKey = gatewayAPIKey
    }
}

/// `comms.CreateWhatsAppInstance`' request.
public struct CreateWhatsAppInstanceRequest: Codable, Sendable, Hashable {
    /// The display name (1–100 characters).
    public var name: String
    /// How many instances the project's plan allows (the Router reads it from Billing); nil: no limit.
    public var instanceLimit: Int?

    /// Creates a request.
    public init(name: String, instanceLimit: Int?) {
        self.name = name
        self.instanceLimit = instanceLimit
    }
}

/// Names one instance.
public struct WhatsAppInstanceIDRequest: Codable, Sendable, Hashable {
    /// `wai_…`.
    public var id: String

    /// Creates a request.
    public init(id: String) { self.id = id }
}

/// An instance as the contract shows it.
public struct WhatsAppInstanceView: Codable, Sendable, Hashable {
    public var id: String
    public var name: String
    /// `connecting`, `open` or `close`.
    public var connection: String
    /// `WARMUP`, `ACTIVE`, `THROTTLED` or `BANNED`.
    public var health: String
    public var warmupDay: Int
    public var dailyCap: Int
    public var sentToday: Int
    public var sentLastMinute: Int
    public var createdAt: Date
    public var healthChangedAt: Date
    public var healthReason: String?
    /// `data:image/png;base64,…` (create and connect only).
    public var qrCode: String?
    /// The pairing code (create and connect only).
    public var pairingCode: String?

    /// Creates a view.
    public init(
        id: String, name: String, connection: String, health: String, warmupDay: Int, dailyCap: Int, sentToday: Int,
        sentLastMinute: Int, createdAt: Date, healthChangedAt: Date, healthReason: String?, qrCode: String? = nil,
        pairingCode: String? = nil
    ) {
        self.id = id
        self.name = name
        self.connection = connection
        self.health = health
        self.warmupDay = warmupDay
        self.dailyCap = dailyCap
        self.sentToday = sentToday
        self.sentLastMinute = sentLastMinute
        self.createdAt = createdAt
        self.healthChangedAt = healthChangedAt
        self.healthReason = healthReason
        self.qrCode = qrCode
        self.pairingCode = pairingCode
    }
}

/// `comms.SendWhatsApp`' request.
public struct SendWhatsAppRequest: Codable, Sendable, Hashable {
    /// E.164: `+` and 8–15 digits.
    public var to: String
    /// 1–4,096 characters.
    public var text: String
    /// The instance to send from; nil lets SmartSend choose.
    public var instanceID: String?
    /// `high`, `normal` (default) or `low`.
    public var priority: String?
    /// The credit guard's reservation, captured when sent, released when failed.
    public var reservationID: String?
    /// The client's `Idempotency-Key` (1–255 bytes): the same key with the same request within 24 h answers the
    /// first message; with another request it is `IDEMPOTENCY_KEY_REUSED`.
    public var idempotencyKey: String?

    /// Creates a request.
    public init(
        to: String, text: String, instanceID: String?, priority: String?, reservationID: String? = nil,
        idempotencyKey: String? = nil
    ) {
        self.to = to
        self.text = text
        self.instanceID = instanceID
        self.priority = priority
        self.reservationID = reservationID
        self.idempotencyKey = idempotencyKey
    }
}

/// `comms.SendWhatsApp`' answer.
public struct SendWhatsAppResponse: Codable, Sendable, Hashable {
    public var id: String
    /// `queued`.
    public var status: String
    /// The instance chosen (nil while none can send: SmartSend chooses later).
    public var instanceID: String?

    /// Creates a response.
    public init(id: String, status: String, instanceID: String?) {
        self.id = id
        self.status = status
        self.instanceID = instanceID
    }
}

/// A gateway event as posted to `POST /v1/webhooks/inbound/whatsapp/{token}`.
public struct WhatsAppEventRequest: Codable, Sendable, Hashable {
    /// The token of the webhook URL (a secret; compared by its hash).
    public var token: String
    /// The body the gateway posted (Evolution's `{"event","instance","data"}`).
    public var body: [UInt8]

    /// Creates a request.
    public init(token: String, body: [UInt8]) {
        self.token = token
        self.body = body
    }
}
