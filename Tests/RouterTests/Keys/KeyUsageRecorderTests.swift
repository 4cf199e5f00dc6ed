import Foundation
import Testing
@testable import Router

@Suite("KeyUsageRecorder")
struct KeyUsageRecorderTests {
    fileprivate static let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    @Test("keeps the latest use per key and hands out a batch once")
    func batches() {
        let recorder = KeyUsageRecorder()
        recorder.record(keyID: "k1", at: Self.t0)
        recorder.record(keyID: "k1", at: Self.t0.addingTimeInterval(5))
        recorder.record(keyID: "k1", at: Self.t0.addingTimeInterval(2))  // out of order: ignored
        recorder.record(keyID: "k2", at: Self.t0)
        #expect(recorder.pendingCount == 2)
        let batch = recorder.drain()
        #expect(batch == ["k1": Self.t0.addingTimeInterval(5), "k2": Self.t0])
        #expect(recorder.drain().isEmpty)
    }

    @Test("a failed flush is restored without losing later uses")
    func restore() {
        let recorder = KeyUsageRecorder()
        recorder.record(keyID: "k1", at: Self.t0)
        recorder.record(keyID: "k2", at: Self.t0)
        let failed = recorder.drain()
        recorder.record(keyID: "k1", at: Self.t0.addingTimeInterval(9))
        recorder.restore(failed)
        #expect(recorder.drain() == ["k1": Self.t0.addingTimeInterval(9), "k2": Self.t0])
    }

    @Test("concurrent recording loses nothing")
    func concurrent() async {
        let recorder = KeyUsageRecorder()
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    for index in 0..<250 {
                        recorder.record(keyID: "k\(worker)-\(index)", at: Self.t0)
                    }
                }
            }
        }
        #expect(recorder.drain().count == 1000)
    }
}
