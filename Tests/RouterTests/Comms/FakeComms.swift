import Contracts
import Foundation
import Synchronization
import Wire

/// An in-memory CommsService for Router tests: registers every `comms.*` method on a ``WireServer``,
/// records each call (method, request, context) and answers canned views.
///
/// Known ids: message `msg_1` (other ids are `NOT_FOUND`); suppression `gone@example.com` is `NOT_FOUND`;
/// template name `taken` is `CONFLICT`; delivery events for `msg_unknown` are `NOT_FOUND`. Setting
/// ``failure`` makes every call throw it (after being recorded).
final class FakeComms: Sendable {
    /// One recorded call.
    struct Call: Sendable {
        let method: String
        let request: any Sendable
        let context: CallContext
    }

    /// A fixed instant for the canned views.
    static let created = Date(timeIntervalSince1970: 1_900_000_000)
    /// The canned message `msg_1`.
    static let message = MessageView(
        id: "msg_1", channel: "email", status: "delivered", attempts: 1, to: ["ana@example.com"], tags: ["welcome"],
        createdAt: created, sendAt: created,
        events: [
            MessageEventView(at: created, status: "queued", detail: nil),
            MessageEventView(at: created.addingTimeInterval(2.5), status: "delivered", detail: "250 2.0.0 OK"),
        ])

    private struct State {
        var calls: [Call] = []
        var failure: WireError?
        var messageByKey: [String: String] = [:]
        var nextMessage = 1
    }

    private let state = Mutex(State())

    /// The calls so far, oldest first.
    var calls: [Call] { state.withLock { $0.calls } }

    /// What every call throws from now on (nil: answer normally).
    var failure: WireError? {
        get { state.withLock { $0.failure } }
        set { state.withLock { $0.failure = newValue } }
    }

    /// The requests of `method` so far.
    func requests<Request, Response>(_ method: MethodDescriptor<Request, Response>) -> [Request] {
        calls.filter { $0.method == method.name }.compactMap { $0.request as? Request }
    }

    /// Records the call; throws ``failure`` when set.
    private func record(_ method: String, _ request: any Sendable, _ context: CallContext) throws {
        let failure = state.withLock { state in
            state.calls.append(Call(method: method, request: request, context: context))
            return state.failure
        }
        if let failure { throw failure }
    }

    /// Registers every comms method on `server` (before it starts).
    func register(on server: WireServer) {
        server.register(CommsContract.sendEmail) { request, context in
            try self.record("comms.SendEmail", request, context)
            let id = self.state.withLock { state in
                if let key = request.idempotencyKey, let id = state.messageByKey[key] { return id }
                state.nextMessage += 1
                let id = "msg_\(state.nextMessage)"
                if let key = request.idempotencyKey { state.messageByKey[key] = id }
                return id
            }
            return SendEmailResponse(id: id, status: "queued")
        }
        server.register(CommsContract.getMessage) { request, context in
            try self.record("comms.GetMessage", request, context)
            guard request.id == "msg_1" else { throw PublicError.notFound("No such message.") }
            return Self.message
        }
        server.register(CommsContract.listMessages) { request, context in
            try self.record("comms.ListMessages", request, context)
            var listed = Self.message
            listed.events = []
            return Page(data: [listed], nextCursor: request.page.cursor == nil ? "cur_2" : nil)
        }
        server.register(CommsContract.createTemplate) { request, context in
            try self.record("comms.CreateTemplate", request, context)
            guard request.name != "taken" else {
                throw PublicError(.conflict, "A template with this name exists.")
            }
            return TemplateView(
                id: "tpl_1", name: request.name, subject: request.subject, text: request.text, html: request.html,
                variables: ["name"], createdAt: Self.created)
        }
        server.register(CommsContract.listTemplates) { request, context in
            try self.record("comms.ListTemplates", request, context)
            return Page(data: [TemplateView(
                id: "tpl_1", name: "welcome", subject: "Hi {{name}}", text: "Hello {{name}}", html: nil,
                variables: ["name"], createdAt: Self.created)], nextCursor: nil)
        }
        server.register(CommsContract.listSuppressions) { request, context in
            try self.record("comms.ListSuppressions", request, context)
            return Page(
                data: [SuppressionView(email: "bounce@example.com", reason: "bounced", createdAt: Self.created)],
                nextCursor: nil)
        }
        server.register(CommsContract.deleteSuppression) { request, context in
            try self.record("comms.DeleteSuppression", request, context)
            guard request.email != "gone@example.com" else { throw PublicError.notFound() }
            return Empty()
        }
        server.register(CommsContract.getSettings) { request, context in
            try self.record("comms.GetSettings", request, context)
            return CommsSettingsView(smtpURL: "smtp://mailer@smtp.example.com:587?tls=starttls", defaultFrom: nil,
                                     unsubscribeURL: nil)
        }
        server.register(CommsContract.updateSettings) { request, context in
            try self.record("comms.UpdateSettings", request, context)
            return CommsSettingsView(
                smtpURL: request.smtpURL.map { _ in "smtp://mailer@smtp.example.com:587?tls=starttls" },
                defaultFrom: request.defaultFrom, unsubscribeURL: request.unsubscribeURL)
        }
        server.register(CommsContract.recordDeliveryEvent) { request, context in
            try self.record("comms.RecordDeliveryEvent", request, context)
            guard request.messageID != "msg_unknown" else { throw PublicError.notFound("No such message.") }
            return Empty()
        }
        registerDomains(on: server)
    }

    /// The canned sender domain `dom_1` (`mail.example.com`, pending).
    static let domain = DomainView(
        id: "dom_1", name: "mail.example.com", status: "pending", failure: nil,
        records: [DomainRecordView(type: "TXT", name: "mail.example.com", value: "v=spf1 include:_spf.x ~all", purpose: "spf")],
        createdAt: created, verifiedAt: nil)

    /// The domain methods: name `taken.example.com` is `CONFLICT`, `bad` is `VALIDATION_FAILED`; only `dom_1` exists
    /// (verifying it answers `failed` naming DKIM).
    private func registerDomains(on server: WireServer) {
        server.register(CommsContract.createDomain) { request, context in
            try self.record("comms.CreateDomain", request, context)
            if request.name == "taken.example.com" { throw PublicError.conflict("Taken.", field: "name") }
            if request.name == "bad" { throw PublicError.validation("name", "Not a domain name.") }
            var domain = Self.domain
            domain.name = request.name
            return domain
        }
        server.register(CommsContract.listDomains) { request, context in
            try self.record("comms.ListDomains", request, context)
            return Page(data: [Self.domain], nextCursor: request.cursor == nil ? "cur_d" : nil)
        }
        server.register(CommsContract.getDomain) { request, context in
            try self.record("comms.GetDomain", request, context)
            guard request.id == "dom_1" else { throw PublicError.notFound() }
            return Self.domain
        }
        server.register(CommsContract.verifyDomain) { request, context in
            try self.record("comms.VerifyDomain", request, context)
            guard request.id == "dom_1" else { throw PublicError.notFound() }
            var domain = Self.domain
            domain.status = "failed"
            domain.failure = "dkim: no TXT record at pp1._domainkey.mail.example.com"
            return domain
        }
        server.register(CommsContract.deleteDomain) { request, context in
            try self.record("comms.DeleteDomain", request, context)
            guard request.id == "dom_1" else { throw PublicError.notFound() }
            return Empty()
        }
    }
}
