import Contracts
import Foundation
import ServiceKit
import Testing
@testable import CommsService
@testable import PurrpurrTestSupport

/// `comms.ListMessages` over both channels: email and WhatsApp messages in one list, newest first by
/// `(created_at, id)`, the cursor walking across both tables without a gap or a repeat, the status filter on both.
@Suite("Message list across channels (PostgreSQL)", .serialized,
       .enabled(if: CommsHarness.databaseURL != nil, CommsHarness.disabledReason))
struct MessageListTests {
    @Test("email and WhatsApp interleaved: pages of 3 walk every message once in order, ties broken by id; ?status=")
    func bothChannels() async throws {
        let harness = try await SmartSendHarness(jitter: "0-0")
        defer { Task { await harness.close() } }
        let instance = try await harness.instance()
        var channelOf: [String: String] = [:]
        for index in 0..<7 {
            let email = try await harness.comms.send(SendEmailRequest(to: ["ana\(index)@example.test"], subject: "Hola", text: "x"))
            channelOf[email.id] = "email"
            let text = try await harness.send("+5198765432\(index)", instance: instance.id)
            channelOf[text.id] = "whatsapp"
        }
        // Four of them (two of each channel) at the very same instant: the id orders them, across the tables.
        let schema = harness.comms.schema
        let ids = Array(channelOf.keys)
        let tied = ids.filter { channelOf[$0] == "email" }.prefix(2) + ids.filter { channelOf[$0] == "whatsapp" }.prefix(2)
        for table in ["messages", "whatsapp_messages"] {
            try await harness.comms.pool.execute(
                "UPDATE \(schema).\(table) SET created_at = '2026-12-01T10:00:00Z' WHERE id = ANY(\(CommsSQL.textArray("$1")))",
                [PostgresJSON(Array(tied))])
        }
        try await harness.comms.pool.execute(
            "UPDATE \(schema).whatsapp_messages SET status = 'read' WHERE id = $1", [tied.last!])

        let all = try await harness.comms.pool.query("""
            SELECT id FROM (SELECT id, created_at FROM \(schema).messages UNION ALL SELECT id, created_at FROM \(schema).whatsapp_messages) m
            ORDER BY created_at DESC, id DESC
            """).map { try $0.decode(String.self, at: 0) }
        #expect(all.count == 14)
        var walked: [MessageView] = []
        var cursor: String?
        repeat {
            let page = try await harness.comms.handlers.listMessages(
                ListMessagesRequest(page: PageQuery(limit: 3, cursor: cursor)), projectID: harness.project)
            #expect(page.data.count <= 3)
            walked += page.data
            cursor = page.nextCursor
        } while cursor != nil
        #expect(walked.map(\.id) == all)
        for view in walked {
            #expect(view.channel == channelOf[view.id])
            if view.channel == "whatsapp" {
                #expect(view.to.count == 1 && view.to[0].hasPrefix("+51") && view.tags.isEmpty)
            }
        }
        let read = try await harness.comms.handlers.listMessages(
            ListMessagesRequest(page: PageQuery(), status: "read"), projectID: harness.project)
        #expect(read.data.map(\.id) == [tied.last!])
        let queued = try await harness.comms.handlers.listMessages(
            ListMessagesRequest(page: PageQuery(limit: 200), status: "queued"), projectID: harness.project)
        #expect(queued.data.count == 13)
        // Another project sees none of them.
        #expect(try await harness.comms.handlers.listMessages(ListMessagesRequest(page: PageQuery()), projectID: "prj_b").data.isEmpty)
    }
}
