import Foundation
import Testing
@testable import Wire

@Suite("Frame encoder")
struct FrameEncoderTests {
    @Test func headerLayoutIsBigEndian() throws {
        var encoder = FrameEncoder()
        try encoder.appendCancel(callID: 0x0102_0304)
        #expect(encoder.bytes == [0x00, 0x00, 0x00, 0x06, 0x05, 0x00, 0x01, 0x02, 0x03, 0x04])
        encoder.removeAll()
        encoder.appendPing(0x1122_3344_5566_7788)
        #expect(encoder.bytes == [0, 0, 0, 14, 0x06, 0, 0, 0, 0, 0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88])
    }

    @Test func invalidArgumentsWriteNothing() throws {
        var encoder = FrameEncoder()
        encoder.appendPing(1)
        let before = encoder.bytes
        #expect(throws: FrameError.self) { try encoder.appendResponse(callID: 0, body: [1]) }
        #expect(throws: FrameError.self) { try encoder.appendRequest(callID: 1, method: "", context: CallContext(requestID: "r"), body: [UInt8]()) }
        #expect(throws: FrameError.self) {
            try encoder.appendRequest(callID: 1, method: String(repeating: "m", count: 1025), context: CallContext(requestID: "r"), body: [UInt8]())
        }
        #expect(throws: FrameError.self) { try encoder.appendHello(Frame.Hello(versions: [])) }
        #expect(encoder.bytes == before)
    }

    @Test func framesLargerThanThePeerAcceptsAreRefusedAndRolledBack() throws {
        var encoder = FrameEncoder(maxFrameLength: Frame.minimumMaxFrameLength)
        try encoder.appendResponse(callID: 1, body: [UInt8](repeating: 0, count: Frame.minimumMaxFrameLength - 6))
        let before = encoder.bytes.count
        #expect { try encoder.appendResponse(callID: 3, body: [UInt8](repeating: 0, count: Frame.minimumMaxFrameLength - 5)) } throws: {
            ($0 as? FrameError)?.code == .frameTooLarge
        }
        #expect(encoder.bytes.count == before)
    }

    @Test func encodedBodiesGoStraightIntoTheFrame() throws {
        struct Body: Codable, Equatable { var name: String; var n: Int }
        var encoder = FrameEncoder()
        try encoder.appendResponse(callID: 9, encoding: Body(name: "x", n: 3))
        try encoder.appendRequest(callID: 11, method: "svc.M", context: CallContext(requestID: "r"), encoding: Body(name: "y", n: 4))
        var decoder = FrameDecoder()
        decoder.append(encoder.take())
        #expect(encoder.bytes.isEmpty)
        guard case .response(9, let body) = try decoder.next() else { Issue.record("no response"); return }
        #expect(try BinaryDecoder().decode(Body.self, from: body) == Body(name: "x", n: 3))
        guard case .request(11, let request) = try decoder.next() else { Issue.record("no request"); return }
        #expect(request.method == "svc.M" && request.context.requestID == "r" && request.context.deadline == nil)
        #expect(try BinaryDecoder().decode(Body.self, from: request.body) == Body(name: "y", n: 4))
    }

    @Test func goAwayReasonIsCutAtACharacterBoundary() throws {
        var encoder = FrameEncoder()
        try encoder.appendGoAway(Frame.GoAway(lastCallID: 1, code: .unavailable, reason: String(repeating: "ñ", count: 600)))
        var decoder = FrameDecoder()
        decoder.append(encoder.bytes)
        guard case .goAway(let goAway) = try decoder.next() else { Issue.record("no goaway"); return }
        #expect(goAway.reason.utf8.count == 1024 && goAway.code == .unavailable)
    }

    @Test func helloNegotiation() {
        #expect(Frame.Hello.negotiate(offered: [1, 2, 3], supported: [2, 3, 4]) == 3)
        #expect(Frame.Hello.negotiate(offered: [5], supported: [1]) == nil)
        #expect(Frame.Hello.negotiate(offered: [1]) == 1)
    }

    @Test func unknownHelloSettingsAreIgnored() throws {
        var decoder = FrameDecoder()
        // HELLO v1 with setting 0x0009 = 7 and max concurrent calls = 3.
        decoder.append([0, 0, 0, 26, 0x01, 0, 0, 0, 0, 0, 0x57, 0x49, 0x52, 0x45, 1, 0, 1, 2,
                        0, 9, 0, 0, 0, 7, 0, 2, 0, 0, 0, 3])
        let frame = try decoder.next()
        #expect(frame == .hello(Frame.Hello(versions: [1], settings: .init(maxConcurrentCalls: 3))))
    }
}
