import Contracts
import Foundation
import ServiceKit
import Synchronization
import Testing
import Wire
@testable import CommsService

/// Whether `scripts/bench-webhooks.sh` asked for the benchmark (a separate enum: see STYLE's trap note).
enum WebhookBenchmarkGate {
    static let enabled = ProcessInfo.processInfo.environment["PURRPURR_BENCH_WEBHOOKS"] == "1"
        && CommsHarness.databaseURL != nil
    /// The steady event rates timed (`PURRPURR_BENCH_WEBHOOKS_RATES`, comma-separated; default 1,000 and 2,000 a second).
    static let eventRates = (ProcessInfo.processInfo.environment["PURRPURR_BENCH_WEBHOOKS_RATES"] ?? "1000,2000")
        .split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
}

/// Not a test: the webhook delivery benchmark, run in release by `scripts/bench-webhooks.sh` (figures in
/// `docs/benchmarks.md`). It asserts nothing about time; it prints deliveries per second to local receivers that
/// answer 200 at once (Wire's own HTTP server), with 1 and with 20 endpoints; the time from an `email.sent`
/// state change's commit to the receiver at a steady 2,000 events a second to one endpoint, p50 and p99; and
/// the same through the whole email path (accept, SMTP outbox) at the rates it keeps up with. The webhook
/// settings are the defaults.
@Suite("Webhook benchmark", .serialized, .enabled(if: WebhookBenchmarkGate.enabled))
struct WebhookBenchmark {
    /// Counts requests and notes when each `email.sent` arrived (by message id).
    final class Receiver: HTTPResponder {
        let count = Atomic<Int>(0)
        let arrivals = Mutex<[String: Date]>([:])

        func respondImmediately(to request: HTTPRequest, context: HTTPRequestContext) -> HTTPResponse? {
            count.add(1, ordering: .relaxed)
            let body = String(decoding: request.body, as: UTF8.self)
            if let range = body.range(of: #""message_id":""#) {
                let id = String(body[range.upperBound...].prefix { $0 != "\"" })
                let now = Date()
                arrivals.withLock { $0[id] = now }
            }
            return HTTPResponse(status: .ok)
        }

        func respond(to request: HTTPRequest, context: HTTPRequestContext) async -> HTTPResponse { HTTPResponse(status: .ok) }
    }

    /// When each event's transaction returned, by message id.
    final class Stamps: Sendable {
        let times = Mutex<[String: Date]>([:])
    }

    static let environment = [
        "WEBHOOK_POLL_INTERVAL_MS": "1000", "WEBHOOK_LEASE_SECONDS": "60", "WEBHOOK_TIMEOUT_SECONDS": "15",
        "COMMS_PROJECT_RATE_PER_SECOND": "10000", "COMMS_WORKERS": "16", "COMMS_WORKERS_PER_PROJECT": "16",
    ].merging(ProcessInfo.processInfo.environment.filter { $0.key.hasPrefix("WEBHOOK_") }) { $1 }  // to compare settings

    @Test("deliveries per second with 1 and with 20 endpoints", arguments: [1, 20])
    func throughput(endpoints: Int) async throws {
        let group = try ServiceContext.sharedEventLoopGroup()
        let receiver = Receiver()
        let harness = try await CommsHarness(
            environment: CommsHarness.webhookEnvironment(Self.environment), poolSize: 24)
        var servers: [HTTPServer] = []
        for _ in 0..<endpoints {
            let server = try HTTPServer(host: "127.0.0.1", port: 0, group: group, responder: receiver)
            servers.append(server)
            _ = try await harness.createEndpoint("http://127.0.0.1:\(server.port)/hooks")
        }
        let total = Int(ProcessInfo.processInfo.environment["PURRPURR_BENCH_WEBHOOKS_TOTAL"] ?? "") ?? 20_000
        let events = total / endpoints
        // The backlog is written first (one statement), then the workers start: this times delivery alone.
        try await harness.pool.execute("""
            INSERT INTO \(harness.schema).webhook_events (id, project_id, type, payload)
            SELECT 'evt_bench' || n, $1, 'auth.user.created', '{"type":"auth.user.created","timestamp":"2026-12-07T00:00:00.000Z","data":{"user_id":"usr_' || n || '"}}'
            FROM generate_series(1, $2) AS n
            """, [CommsHarness.project, events])
        try await harness.pool.execute("""
            INSERT INTO \(harness.schema).webhook_deliveries (id, project_id, endpoint_id, event_id, next_attempt_at)
            SELECT \(CommsStore.newDeliveryID), e.project_id, p.id, e.id, clock_timestamp()
            FROM \(harness.schema).webhook_events e CROSS JOIN \(harness.schema).webhook_endpoints p
            """, [])
        let start = ContinuousClock.now
        let workers = harness.startWebhooks()
        let deadline = start + .seconds(300)
        while receiver.count.load(ordering: .relaxed) < total, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let received = receiver.count.load(ordering: .relaxed)
        print("BENCH webhooks endpoints=\(endpoints) deliveries=\(received) seconds=\(String(format: "%.2f", seconds)) per_second=\(Int(Double(received) / seconds))")
        try await Self.printOutcomes(harness)
        await workers.stop()
        for server in servers { await server.shutdown(timeout: .seconds(1)) }
        await harness.close()
    }

    /// The deliveries by status, attempts and error kind, to see that none took a detour (a retry, a put-back).
    static func printOutcomes(_ harness: CommsHarness) async throws {
        let rows = try await harness.pool.query("""
            SELECT status || ' attempts=' || attempts || coalesce(' ' || last_error, '') || ': ' || count(*)
            FROM \(harness.schema).webhook_deliveries GROUP BY status, attempts, last_error ORDER BY 1
            """, [])
        print("BENCH outcomes " + (try rows.map { try $0.decode(String.self, at: 0) }).joined(separator: "; "))
        let metrics = harness.components.webhookOutbox.sender.metrics
        let posts = metrics.attemptSeconds.snapshot(), batches = metrics.recordBatchSize.snapshot()
        let claims = metrics.claimSeconds.snapshot(), claimed = metrics.claimBatchSize.snapshot()
        print("BENCH metrics posts=\(posts.count) mean_post_ms=\(String(format: "%.2f", posts.sum / Double(max(1, posts.count)) * 1000)) record_statements=\(batches.count) mean_record_batch=\(String(format: "%.1f", batches.sum / Double(max(1, batches.count)))) claims=\(claims.count) mean_claim_ms=\(String(format: "%.2f", claims.sum / Double(max(1, claims.count)) * 1000)) mean_claim_batch=\(String(format: "%.1f", claimed.sum / Double(max(1, claimed.count))))")
    }

    @Test("time from an email.sent commit to the receiver, p50 and p99, at a steady event rate, 1 endpoint",
          arguments: WebhookBenchmarkGate.eventRates)
    func latencyAtEventRate(ratePerSecond: Int) async throws {
        let group = try ServiceContext.sharedEventLoopGroup()
        let receiver = Receiver()
        let harness = try await CommsHarness(
            environment: CommsHarness.webhookEnvironment(Self.environment), poolSize: 24)
        let server = try HTTPServer(host: "127.0.0.1", port: 0, group: group, responder: receiver)
        _ = try await harness.createEndpoint("http://127.0.0.1:\(server.port)/hooks", events: ["email.sent"])
        let workers = harness.startWebhooks()
        let total = ratePerSecond * 10
        let committed = Stamps()
        let start = ContinuousClock.now
        // Each event is the state change's own transaction (what the email outbox's `finish` runs with it),
        // started on schedule; its commit time is noted when the commit returns.
        await withTaskGroup(of: Void.self) { tasks in
            for index in 0..<total {
                let due = start + .microseconds(index * 1_000_000 / ratePerSecond)
                tasks.addTask {
                    try? await Task.sleep(until: due)
                    let id = "msg_bench\(index)"
                    let done: Bool? = try? await harness.pool.withTransaction { tx in
                        try await harness.store.emitOwnEvent(
                            tx, projectID: CommsHarness.project, type: .emailSent, data: ["message_id": id, "status": "sent"])
                        return true
                    }
                    if done == true { committed.times.withLock { $0[id] = Date() } }
                }
            }
        }
        let emitted = ContinuousClock.now - start
        let deadline = ContinuousClock.now + .seconds(120)
        while receiver.arrivals.withLock({ $0.count }) < total, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let arrivals = receiver.arrivals.withLock { $0 }
        let commits = committed.times.withLock { $0 }
        // Negative when the delivery arrived before the emitting task saw its commit return: counted as 0.
        let latencies = commits.compactMap { id, at in arrivals[id].map { max(0, $0.timeIntervalSince(at)) } }.sorted()
        func percentile(_ p: Double) -> Double { latencies.isEmpty ? .nan : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        let first = arrivals.values.min() ?? Date(), last = arrivals.values.max() ?? Date()
        let deliveryRate = Double(arrivals.count) / max(0.001, last.timeIntervalSince(first))
        print("BENCH event commit->receiver rate=\(ratePerSecond)/s endpoints=1 committed=\(commits.count) emitted_in=\(emitted) delivered=\(latencies.count) deliveries_per_second=\(Int(deliveryRate)) p50_ms=\(Int(percentile(0.5) * 1000)) p99_ms=\(Int(percentile(0.99) * 1000)) max_ms=\(Int((latencies.last ?? .nan) * 1000))")
        try await Self.printOutcomes(harness)
        await workers.stop()
        await server.shutdown(timeout: .seconds(1))
        await harness.close()
    }

    @Test("time from email.sent to the receiver, p50 and p99, at a steady send rate", arguments: [200])
    func latency(ratePerSecond: Int) async throws {
        let group = try ServiceContext.sharedEventLoopGroup()
        let receiver = Receiver()
        let harness = try await CommsHarness(
            environment: CommsHarness.webhookEnvironment(Self.environment), transport: ScriptedTransport(), poolSize: 24)
        let server = try HTTPServer(host: "127.0.0.1", port: 0, group: group, responder: receiver)
        _ = try await harness.createEndpoint("http://127.0.0.1:\(server.port)/hooks", events: ["email.sent"])
        let outbox = harness.startOutbox()
        let workers = harness.startWebhooks()
        let total = ratePerSecond * 10
        let start = ContinuousClock.now
        var ids: [String] = []
        await withTaskGroup(of: String?.self) { tasks in
            for index in 0..<total {
                let due = start + .milliseconds(index * 1000 / ratePerSecond)
                tasks.addTask {
                    try? await Task.sleep(until: due)
                    return try? await harness.send(SendEmailRequest(to: ["b\(index)@example.test"], subject: "s", text: "t")).id
                }
            }
            for await id in tasks { if let id { ids.append(id) } }
        }
        let deadline = ContinuousClock.now + .seconds(120)
        while receiver.arrivals.withLock({ $0.count }) < ids.count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let sentAt = try await harness.pool.query("""
            SELECT message_id, at FROM \(harness.schema).message_events WHERE status = 'sent'
            """, []).map { try $0.decode((String, Date).self) }
        let arrivals = receiver.arrivals.withLock { $0 }
        let latencies = sentAt.compactMap { id, at in arrivals[id].map { $0.timeIntervalSince(at) } }.sorted()
        func percentile(_ p: Double) -> Double { latencies.isEmpty ? .nan : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        let elapsed = ContinuousClock.now - start
        print("BENCH email.sent rate=\(ratePerSecond)/s accepted=\(ids.count) delivered=\(latencies.count) p50_ms=\(Int(percentile(0.5) * 1000)) p99_ms=\(Int(percentile(0.99) * 1000)) max_ms=\(Int((latencies.last ?? .nan) * 1000)) wall=\(elapsed)")
        await outbox.stop()
        await workers.stop()
        await server.shutdown(timeout: .seconds(1))
        await harness.close()
    }
}
