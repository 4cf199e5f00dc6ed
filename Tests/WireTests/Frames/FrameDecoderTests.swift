import Foundation
import Testing
@testable import Wire

@Suite("Frame decoder")
struct FrameDecoderTests {
    static let now = ContinuousClock.now

    static let context = CallContext(requestID: "req-1", projectID: "prj_a", subject: "user-9", sessionID: nil,
                                     callerService: "ignored-on-the-wire", deadline: now + .milliseconds(1500))

    /// One frame of every type (and a REQUEST without deadline).
    static let frames: [Frame] = [
        .hello(Frame.Hello(versions: [1, 2], settings: .init(maxFrameLength: 1 << 20, maxConcurrentCalls: 64))),
        .request(callID: 1, Frame.Request(method: "identity.v1.GetUser", context: context, body: [0x09, 0, 0, 0, 0])),
        .request(callID: 3, Frame.Request(method: "m", context: CallContext(requestID: ""), body: [])),
        .response(callID: 1, body: [1, 2, 3]),
        .response(callID: 5, body: []),
        .error(callID: 3, WireError(.notFound, "no such user", details: ["field": "id"])),
        .cancel(callID: 7),
        .ping(0x0102_0304_0506_0708),
        .pong(.max),
        .goAway(Frame.GoAway(lastCallID: 9, code: .ok, reason: "draining")),
    ]

    static func encoded(_ frames: [Frame]) throws -> [UInt8] {
        var encoder = FrameEncoder()
        for frame in frames { try encoder.append(frame, now: now) }
        return encoder.bytes
    }

    /// What a receiver sees: deadlines rebuilt at the same `now`, caller service dropped.
    static func expected(_ frame: Frame) -> Frame {
        guard case .request(let callID, var request) = frame else { return frame }
        request.context.callerService = nil
        return .request(callID: callID, request)
    }

    @Test func everyFrameRoundTrips() throws {
        var decoder = FrameDecoder()
        decoder.append(try Self.encoded(Self.frames))
        var decoded: [Frame] = []
        while let frame = try decoder.next(now: Self.now) { decoded.append(frame) }
        #expect(decoded == Self.frames.map(Self.expected))
        #expect(decoder.bufferedByteCount == 0)
    }

    @Test func oneByteAtATime() throws {
        let bytes = try Self.encoded(Self.frames)
        var decoder = FrameDecoder()
        var decoded: [Frame] = []
        for byte in bytes {
            decoder.append([byte])
            while let frame = try decoder.next(now: Self.now) { decoded.append(frame) }
        }
        #expect(decoded == Self.frames.map(Self.expected))
    }

    @Test func randomSplitsAndManyFramesAtOnce() throws {
        let many = Array(repeating: Self.frames, count: 50).flatMap { $0 }
        let bytes = try Self.encoded(many)
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<20 {
            var decoder = FrameDecoder()
            var decoded: [Frame] = []
            var index = 0
            while index < bytes.count {
                let size = min(bytes.count - index, Int.random(in: 1...700, using: &generator))
                bytes[index..<index + size].withUnsafeBytes { decoder.append($0) }
                index += size
                while let frame = try decoder.next(now: Self.now) { decoded.append(frame) }
            }
            #expect(decoded == many.map(Self.expected))
        }
    }

    @Test func partialFrameIsNotConsumed() throws {
        let bytes = try Self.encoded([.ping(1)])
        var decoder = FrameDecoder()
        decoder.append(bytes.dropLast())
        #expect(try decoder.next() == nil)
        #expect(try decoder.next() == nil)
        #expect(decoder.bufferedByteCount == bytes.count - 1)
        decoder.append(bytes.suffix(1))
        #expect(try decoder.next() == .ping(1))
    }

    @Test func deadlineTravelsAsRemainingTime() throws {
        var encoder = FrameEncoder()
        let sent = ContinuousClock.now
        try encoder.appendRequest(callID: 1, method: "m", context: CallContext(requestID: "r", deadline: sent + .seconds(2)),
                                  body: [UInt8](), now: sent)
        var decoder = FrameDecoder()
        decoder.append(encoder.bytes)
        let received = sent + .seconds(100)  // the receiver's clock is unrelated to the sender's
        guard case .request(_, let request) = try decoder.next(now: received) else { Issue.record("no request"); return }
        #expect(request.context.deadline == received + .seconds(2))
        // An already expired deadline arrives as zero remaining time.
        encoder.removeAll()
        try encoder.appendRequest(callID: 3, method: "m", context: CallContext(requestID: "r", deadline: sent - .seconds(1)),
                                  body: [UInt8](), now: sent)
        decoder.append(encoder.bytes)
        guard case .request(_, let expired) = try decoder.next(now: received) else { Issue.record("no request"); return }
        #expect(expired.context.deadline == received)
    }

    @Test func oversizedLengthIsRejectedFromTheHeaderAlone() {
        var decoder = FrameDecoder(maxFrameLength: 1024)
        decoder.append([0x00, 0x00, 0x04, 0x01])  // 1025, and nothing else
        #expect(throws: FrameError.self) { _ = try decoder.next() }
        var huge = FrameDecoder()
        huge.append([0xFF, 0xFF, 0xFF, 0xFF])
        do {
            _ = try huge.next()
            Issue.record("no error")
        } catch {
            #expect(error.code == .frameTooLarge)
        }
        #expect(huge.bufferedByteCount == 4)
    }

    @Test func lengthSmallerThanTheHeaderIsRejected() {
        var decoder = FrameDecoder()
        decoder.append([0, 0, 0, 5, 0x06, 0, 0, 0, 0])
        #expect { _ = try decoder.next() } throws: { ($0 as? FrameError)?.code == .frameTooShort }
    }

    @Test func unknownTypesAreRejectedButExtensionFramesAreSkipped() throws {
        var decoder = FrameDecoder()
        decoder.append([0, 0, 0, 8, 0x90, 0, 0, 0, 0, 0, 0xAA, 0xBB])  // extension frame 0x90 with 2 payload bytes
        decoder.append(try Self.encoded([.ping(5)]))
        #expect(try decoder.next() == .ping(5))
        decoder.append([0, 0, 0, 6, 0x09, 0, 0, 0, 0, 0])
        #expect { _ = try decoder.next() } throws: {
            ($0 as? FrameError)?.code == .unknownFrameType && ($0 as? FrameError)?.frameType == 0x09
        }
    }

    @Test func payloadMustBeConsumedExactly() {
        // PING with 9 payload bytes.
        var decoder = FrameDecoder()
        decoder.append([0, 0, 0, 15, 0x06, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
        #expect { _ = try decoder.next() } throws: { ($0 as? FrameError)?.code == .trailingBytes }
        // CANCEL with a payload.
        var cancel = FrameDecoder()
        cancel.append([0, 0, 0, 7, 0x05, 0, 0, 0, 0, 1, 0xFF])
        #expect { _ = try cancel.next() } throws: { ($0 as? FrameError)?.code == .trailingBytes }
        // PING with 7 payload bytes.
        var short = FrameDecoder()
        short.append([0, 0, 0, 13, 0x06, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7])
        #expect { _ = try short.next() } throws: { ($0 as? FrameError)?.code == .malformedPayload }
    }

    @Test func callIDRulesAreEnforced() {
        var decoder = FrameDecoder()
        decoder.append([0, 0, 0, 6, 0x05, 0, 0, 0, 0, 0])  // CANCEL for call 0
        #expect { _ = try decoder.next() } throws: { ($0 as? FrameError)?.code == .invalidCallID }
        var ping = FrameDecoder()
        ping.append([0, 0, 0, 14, 0x06, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0])  // PING on call 1
        #expect { _ = try ping.next() } throws: { ($0 as? FrameError)?.code == .invalidCallID }
    }

    @Test func malformedPayloadsAreTypedErrors() throws {
        func decodeError(_ frame: [UInt8]) -> FrameError? {
            var decoder = FrameDecoder()
            decoder.append(frame)
            do { _ = try decoder.next(); return nil } catch { return error }
        }
        // HELLO with the wrong magic.
        #expect(decodeError([0, 0, 0, 12, 0x01, 0, 0, 0, 0, 0, 0x58, 0x49, 0x52, 0x45, 0x00, 0x00])?.code == .malformedPayload)
        // HELLO offering no version.
        #expect(decodeError([0, 0, 0, 12, 0x01, 0, 0, 0, 0, 0, 0x57, 0x49, 0x52, 0x45, 0x00, 0x00])?.code == .malformedPayload)
        // REQUEST whose method name is not UTF-8.
        #expect(decodeError([0, 0, 0, 13, 0x02, 0, 0, 0, 0, 1, 0, 1, 0xFF, 0, 0, 0, 0])?.code == .malformedPayload)
        // REQUEST whose context length exceeds the payload.
        #expect(decodeError([0, 0, 0, 13, 0x02, 0, 0, 0, 0, 1, 0, 1, 0x6D, 0, 0, 0, 9])?.code == .malformedPayload)
        // REQUEST whose context is not a binary-coded context.
        #expect(decodeError([0, 0, 0, 14, 0x02, 0, 0, 0, 0, 1, 0, 1, 0x6D, 0, 0, 0, 1, 0x07])?.code == .malformedPayload)
        // ERROR whose payload is not a WireError.
        #expect(decodeError([0, 0, 0, 7, 0x04, 0, 0, 0, 0, 1, 0x02])?.code == .malformedPayload)
    }

    @Test func randomBytesNeverCrash() {
        var generator = SeededGenerator(seed: 99)
        let valid = (try? Self.encoded(Self.frames)) ?? []
        for _ in 0..<2000 {
            var bytes = valid
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                let index = Int.random(in: 0..<bytes.count, using: &generator)
                bytes[index] = UInt8.random(in: 0...255, using: &generator)
            }
            var decoder = FrameDecoder(maxFrameLength: 4096)
            decoder.append(bytes)
            while true {
                do {
                    guard try decoder.next() != nil else { break }
                } catch {
                    break
                }
            }
        }
    }
}
