import Contracts
import Foundation
import ServiceKit
import Testing
import Wire
@testable import CommsService

/// The Wire methods' logic against PostgreSQL: templates, provider events, isolation, settings.
@Suite("Comms handlers (PostgreSQL)", .enabled(if: CommsHarness.databaseURL != nil, CommsHarness.disabledReason))
struct CommsHandlersTests {
    /// The public error `body` throws.
    static func failure(_ body: () async throws -> Void) async -> PublicError? {
        do {
            try await body()
            return nil
        } catch let error as PublicError {
            return error
        } catch let error as MailValidationError {
            return error.publicError
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    /// The stored RFC 5322 bytes of a message.
    static func body(_ harness: CommsHarness, _ id: String) async throws -> String {
        let rows = try await harness.pool.query("SELECT body FROM \(harness.schema).messages WHERE id = $1", [id])
        return String(decoding: try rows[0].decode([UInt8].self, at: 0), as: UTF8.self)
    }

    @Test("templates render with data (HTML-escaped in html); a missing variable is VALIDATION_FAILED naming data.x")
    func templates() async throws {
        let harness = try await CommsHarness(transport: ScriptedTransport())
        let created = try await harness.handlers.createTemplate(
            CreateTemplateRequest(name: "welcome", subject: "Hi {{name}}", text: "Code {{x}}", html: "<p>{{name}}</p>"),
            projectID: CommsHarness.project)
        #expect(created.id.hasPrefix("tpl_"))
        #expect(created.variables == ["name", "x"])
        let duplicate = await Self.failure {
            _ = try await harness.handlers.createTemplate(
                CreateTemplateRequest(name: "welcome", subject: "s", text: "t"), projectID: CommsHarness.project)
        }
        #expect(duplicate?.code.rawValue == "CONFLICT")

        let sent = try await harness.send(SendEmailRequest(
            to: ["ana@example.test"], templateID: created.id, data: ["name": "<Ana>", "x": "42"]))
        let body = try await Self.body(harness, sent.id)
        #expect(body.contains("Subject: Hi <Ana>"))
        #expect(body.contains("&lt;Ana&gt;"))

        let missing = await Self.failure {
            _ = try await harness.send(SendEmailRequest(to: ["ana@example.test"], templateID: created.id, data: ["name": "A"]))
        }
        #expect(missing?.code.rawValue == "VALIDATION_FAILED")
        #expect(missing?.field == "data.x")

        let unknown = await Self.failure {
            _ = try await harness.send(SendEmailRequest(to: ["a@example.test"], templateID: "tpl_aaaaaaaaaaaaaaaaaaaa"))
        }
        #expect(unknown?.field == "template_id")

        // By name for other services: the project's own first, else the built-in one.
        let builtIn = try await harness.handlers.acceptor.accept(
            SendTemplatedEmailRequest(template: "identity.magiclink", to: ["u@example.test"],
                                      data: Dictionary(uniqueKeysWithValues: BuiltInTemplates.template(named: "identity.magiclink")!
                                        .variables.map { ($0, "v") })),
            projectID: CommsHarness.project)
        #expect(builtIn.status == "queued")
        let own = try await harness.handlers.acceptor.accept(
            SendTemplatedEmailRequest(template: "welcome", to: ["u@example.test"], data: ["name": "N", "x": "1"]),
            projectID: CommsHarness.project)
        #expect(try await Self.body(harness, own.id).contains("Subject: Hi N"))
        let page = try await harness.handlers.listTemplates(PageQuery(), projectID: CommsHarness.project)
        #expect(page.data.map(\.name) == ["welcome"])
        await harness.close()
    }

    @Test("bad input is VALIDATION_FAILED naming the field, and nothing is stored")
    func validation() async throws {
        let harness = try await CommsHarness(transport: ScriptedTransport())
        let cases: [(SendEmailRequest, String)] = [
            (SendEmailRequest(to: [], subject: "s", text: "t", from: "noreply@purrpurr.test"), "to"),
            (SendEmailRequest(to: Array(repeating: "a@b.test", count: 51), subject: "s", text: "t", from: "noreply@purrpurr.test"), "to"),
            (SendEmailRequest(to: ["ok@b.test", "not an address"], subject: "s", text: "t", from: "noreply@purrpurr.test"), "to.1"),
            (SendEmailRequest(to: ["ok@b.test"], subject: "s", text: "t", from: "no at sign"), "from"),
            (SendEmailRequest(to: ["ok@b.test"], subject: "s\r\nBcc: x@evil.test", text: "t", from: "noreply@purrpurr.test"), "subject"),
            (SendEmailRequest(to: ["ok@b.test"], subject: "s", text: "t", from: "noreply@purrpurr.test", replyTo: "x@y.test\r\nBcc: e@v.test"), "reply_to"),
            (SendEmailRequest(to: ["ok@b.test"], text: "t", from: "noreply@purrpurr.test"), "subject"),
            (SendEmailRequest(to: ["ok@b.test"], subject: "s", text: "t", from: "noreply@purrpurr.test", tags: Array(repeating: "t", count: 11)), "tags"),
        ]
        for (request, field) in cases {
            let error = await Self.failure { _ = try await harness.send(request) }
            #expect(error?.code.rawValue == "VALIDATION_FAILED", "\(field)")
            #expect(error?.field == field)
        }
        let page = try await harness.store.listMessages(projectID: CommsHarness.project, status: nil, page: PageQuery())
        #expect(page.data.isEmpty)
        await harness.close()
    }

    @Test("provider events: delivered, bounced and complained set the status; bounces suppress; a repeat is a no-op")
    func deliveryEvents() async throws {
        let harness = try await CommsHarness(transport: ScriptedTransport())
        let one = try await harness.send(SendEmailRequest(to: ["one@example.test"], subject: "s", text: "t"))
        let two = try await harness.send(SendEmailRequest(to: ["two@example.test"], subject: "s", text: "t"))
        let three = try await harness.send(SendEmailRequest(to: ["three@example.test"], subject: "s", text: "t"))
        let handlers = harness.handlers
        _ = try await handlers.recordDeliveryEvent(DeliveryEventRequest(eventID: "evt_1", type: "email.delivered", messageID: one.id, email: "one@example.test"))
        _ = try await handlers.recordDeliveryEvent(DeliveryEventRequest(eventID: "evt_2", type: "email.bounced", messageID: two.id, email: "Two@Example.test"))
        _ = try await handlers.recordDeliveryEvent(DeliveryEventRequest(eventID: "evt_3", type: "email.complained", messageID: three.id, email: "three@example.test"))
        // The same event id again (even about another message) changes nothing.
        _ = try await handlers.recordDeliveryEvent(DeliveryEventRequest(eventID: "evt_2", type: "email.bounced", messageID: one.id, email: "one@example.test"))
        #expect(try await harness.message(one.id).status == "delivered")
        #expect(try await harness.message(one.id).events.count == 2)
        #expect(try await harness.message(two.id).status == "bounced")
        #expect(try await harness.message(three.id).status == "complained")
        let suppressed = try await harness.store.listSuppressions(projectID: CommsHarness.project, page: PageQuery())
        #expect(Set(suppressed.data.map(\.email)) == ["two@example.test", "three@example.test"])
        #expect(Set(suppressed.data.map(\.reason)) == ["bounced", "complained"])

        let unknown = await Self.failure {
            _ = try await handlers.recordDeliveryEvent(DeliveryEventRequest(eventID: "evt_9", type: "email.bounced", messageID: "msg_aaaaaaaaaaaaaaaaaaaa", email: "x@example.test"))
        }
        #expect(unknown?.code.rawValue == "NOT_FOUND")
        let badType = await Self.failure {
            _ = try await handlers.recordDeliveryEvent(DeliveryEventRequest(eventID: "evt_8", type: "email.opened", messageID: one.id, email: "x@example.test"))
        }
        #expect(badType?.field == "type")

        _ = try await handlers.deleteSuppression(SuppressionRequest(email: "TWO@example.test"), projectID: CommsHarness.project)
        let gone = await Self.failure {
            _ = try await handlers.deleteSuppression(SuppressionRequest(email: "two@example.test"), projectID: CommsHarness.project)
        }
        #expect(gone?.code.rawValue == "NOT_FOUND")
        await harness.close()
    }

    @Test("project B cannot see or touch project A's messages, templates or suppressions")
    func isolation() async throws {
        let harness = try await CommsHarness(transport: ScriptedTransport())
        let handlers = harness.handlers
        let message = try await harness.send(SendEmailRequest(to: ["a@example.test"], subject: "s", text: "t"), project: "prj_a")
        let template = try await handlers.createTemplate(CreateTemplateRequest(name: "t", subject: "s", text: "x"), projectID: "prj_a")
        try await harness.store.addSuppression(harness.pool, projectID: "prj_a", email: "s@example.test", reason: "manual")

        #expect(await Self.failure { _ = try await harness.message(message.id, project: "prj_b") }?.code.rawValue == "NOT_FOUND")
        #expect(try await handlers.listMessages(ListMessagesRequest(page: PageQuery()), projectID: "prj_b").data.isEmpty)
        #expect(try await handlers.listTemplates(PageQuery(), projectID: "prj_b").data.isEmpty)
        #expect(try await harness.store.listSuppressions(projectID: "prj_b", page: PageQuery()).data.isEmpty)
        let useTemplate = await Self.failure {
            _ = try await harness.send(SendEmailRequest(to: ["a@example.test"], templateID: template.id), project: "prj_b")
        }
        #expect(useTemplate?.field == "template_id")
        let delete = await Self.failure {
            _ = try await handlers.deleteSuppression(SuppressionRequest(email: "s@example.test"), projectID: "prj_b")
        }
        #expect(delete?.code.rawValue == "NOT_FOUND")
        // B's suppression list does not stop B's mail to A's suppressed address.
        #expect(try await harness.send(SendEmailRequest(to: ["s@example.test"], subject: "s", text: "t"), project: "prj_b").status == "queued")
        #expect(try await harness.message(message.id, project: "prj_a").id == message.id)
        await harness.close()
    }

    @Test("lists are newest first with working cursors")
    func cursors() async throws {
        let harness = try await CommsHarness(transport: ScriptedTransport())
        var ids: [String] = []
        for index in 0..<5 {
            ids.append(try await harness.send(SendEmailRequest(to: ["p\(index)@example.test"], subject: "s", text: "t")).id)
        }
        var seen: [String] = []
        var cursor: String? = nil
        repeat {
            let page = try await harness.handlers.listMessages(
                ListMessagesRequest(page: PageQuery(limit: 2, cursor: cursor)), projectID: CommsHarness.project)
            seen += page.data.map(\.id)
            cursor = page.nextCursor
        } while cursor != nil
        #expect(seen == ids.reversed())
        let bad = await Self.failure {
            _ = try await harness.handlers.listMessages(
                ListMessagesRequest(page: PageQuery(cursor: "!!")), projectID: CommsHarness.project)
        }
        #expect(bad?.field == "cursor")
        await harness.close()
    }

    @Test("a project's relay is stored sealed: the row holds no password, the view shows none")
    func relaySealed() async throws {
        let harness = try await CommsHarness(transport: ScriptedTransport())
        let view = try await harness.handlers.updateSettings(
            UpdateCommsSettingsRequest(smtpURL: "smtp://mailer:hunter2-pass@smtp.example.test:587", defaultFrom: "Shop <noreply@purrpurr.test>"),
            projectID: CommsHarness.project)
        #expect(view.smtpURL == "smtp://mailer@smtp.example.test:587?tls=starttls")
        #expect(view.defaultFrom == "Shop <noreply@purrpurr.test>")
        let rows = try await harness.pool.query(
            "SELECT relay_sealed, row_to_json(s)::text FROM \(harness.schema).settings s WHERE project_id = $1",
            [CommsHarness.project])
        let sealed = try rows[0].decode([UInt8].self, at: 0)
        #expect(!String(decoding: sealed, as: UTF8.self).contains("hunter2"))
        #expect(try !rows[0].decode(String.self, at: 1).contains("hunter2"))
        let opened = try RelaySealer(key: harness.config.masterKey).open(sealed, projectID: CommsHarness.project)
        #expect(opened.value == "smtp://mailer:hunter2-pass@smtp.example.test:587")
        #expect(throws: CryptoError.self) { try RelaySealer(key: harness.config.masterKey).open(sealed, projectID: "prj_b") }

        let bad = await Self.failure {
            _ = try await harness.handlers.updateSettings(UpdateCommsSettingsRequest(smtpURL: "http://x"), projectID: CommsHarness.project)
        }
        #expect(bad?.field == "smtp_url")
        let cleared = try await harness.handlers.updateSettings(UpdateCommsSettingsRequest(smtpURL: ""), projectID: CommsHarness.project)
        #expect(cleared.smtpURL == nil)
        #expect(cleared.defaultFrom == "Shop <noreply@purrpurr.test>")
        await harness.close()
    }
}
