import Contracts
import Foundation
import ServiceKit
import Testing
@testable import CommsService
@testable import PurrpurrTestSupport

/// Whether `scripts/bench-whatsapp.sh` asked for the benchmark (a separate enum: see STYLE's trap note).
enum SmartSendBenchmarkGate {
    static let enabled = ProcessInfo.processInfo.environment["PURRPURR_BENCH_WHATSAPP"] == "1"
        && CommsHarness.databaseURL != nil
}

/// Not a test: SmartSend's scheduler overhead, run in release by `scripts/bench-whatsapp.sh` (figures in
/// `docs/benchmarks.md`). 1,000 open, warmed-up instances, 10 texts queued on each, jitter 0: it prints how many
/// texts per second the worker got to the development gateway (a separate process recording every call), and
/// checks from that record that no instance sent more than 10 in any 60 s.
@Suite("SmartSend benchmark", .serialized, .enabled(if: SmartSendBenchmarkGate.enabled))
struct SmartSendBenchmark {
    @Test("1,000 instances, jitter 0: texts per second with every per-instance limit held")
    func scheduler() async throws {
        let instances = Int(ProcessInfo.processInfo.environment["BENCH_INSTANCES"] ?? "") ?? 1000
        let perInstance = 10
        let harness = try await SmartSendHarness(jitter: "0-0", window: 60)
        defer { Task { await harness.close() } }
        let pool = harness.comms.pool
        let schema = harness.comms.schema
        // Instances made on the gateway (so it knows them) but opened 20 days ago in the table (full rate).
        var ids: [String] = []
        for index in 0..<instances {
            let id = try await harness.instance("bench \(index)").id
            ids.append(id)
        }
        try await pool.execute("""
            UPDATE \(schema).whatsapp_instances SET connection = 'open', health = 'ACTIVE',
                first_open_at = clock_timestamp() - interval '20 days'
            """)
        for id in ids {
            for index in 0..<perInstance {
                _ = try await harness.send("+5190\(String(format: "%07d", ids.firstIndex(of: id)! * perInstance + index))1", instance: id)
            }
        }
        let total = instances * perInstance
        let start = Date()
        let worker = harness.startWorker()
        while true {
            let sent = try await pool.query(
                "SELECT count(*)::bigint FROM \(schema).whatsapp_messages WHERE status IN ('sent', 'delivered')"
            ).first?.decode(Int64.self, at: 0) ?? 0
            if sent >= Int64(total) || Date().timeIntervalSince(start) > 120 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        let elapsed = Date().timeIntervalSince(start)
        await worker.stop()
        let texts = try await harness.texts()
        var byInstance: [String: [Date]] = [:]
        for text in texts { byInstance[text.instance ?? "", default: []].append(text.at) }
        var worst = 0
        for (_, times) in byInstance {
            let sorted = times.sorted()
            for (index, first) in sorted.enumerated() {
                worst = max(worst, sorted[index...].prefix { $0.timeIntervalSince(first) < 60 }.count)
            }
        }
        print("BENCH smartsend instances=\(instances) texts=\(texts.count) seconds=\(String(format: "%.2f", elapsed)) texts_per_second=\(Int(Double(texts.count) / elapsed)) max_per_instance_per_60s=\(worst)")
        #expect(texts.count == total)
        #expect(worst <= 10)
    }
}
