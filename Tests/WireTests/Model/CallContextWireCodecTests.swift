import Foundation
import Testing
@testable import Wire

/// The hand-written context codec must be byte-identical to `BinaryEncoder` and read exactly what the
/// `Codable` path reads, handing anything unusual to that path.
@Suite("Call context fast codec")
struct CallContextWireCodecTests {
    static let strings: [String?] = [nil, "", "p", "prj_0123456789abcdef", "héllo ✓", String(repeating: "x", count: 300)]

    static func contexts() -> [CallContext] {
        var generator = SystemRandomNumberGenerator()
        var contexts = [CallContext(requestID: ""), CallContext(requestID: "r1", projectID: "p1"),
                        CallContext(requestID: "req", projectID: "p", subject: "s", sessionID: "sess",
                                    clientAddress: "203.0.113.9", keyKind: "publishable")]
        for _ in 0..<200 {
            contexts.append(CallContext(
                requestID: strings.compactMap { $0 }.randomElement(using: &generator)!,
                projectID: strings.randomElement(using: &generator)!, subject: strings.randomElement(using: &generator)!,
                sessionID: strings.randomElement(using: &generator)!, clientAddress: strings.randomElement(using: &generator)!,
                keyKind: strings.randomElement(using: &generator)!))
        }
        return contexts
    }

    @Test func writesWhatTheBinaryEncoderWrites() throws {
        for context in Self.contexts() {
            var fast: [UInt8] = []
            CallContextWireCodec.append(context, to: &fast)
            #expect(fast == (try BinaryEncoder().encode(CallContextWireForm(context))))
        }
    }

    @Test func readsWhatTheBinaryDecoderReads() throws {
        for context in Self.contexts() {
            let bytes = try BinaryEncoder().encode(CallContextWireForm(context))
            let fast = try #require(CallContextWireCodec.read(bytes[...]))
            #expect(fast == (try BinaryDecoder().decode(CallContextWireForm.self, from: bytes)))
            #expect(fast.context(deadline: nil) == context)
        }
    }

    @Test func explicitNilsAndAnyFieldOrderRead() throws {
        struct Reordered: Encodable {
            func encode(to encoder: any Encoder) throws {
                enum Key: String, CodingKey { case keyKind, subject, requestId }
                var container = encoder.container(keyedBy: Key.self)
                try container.encode("secret", forKey: .keyKind)
                try container.encodeNil(forKey: .subject)
                try container.encode("r", forKey: .requestId)
            }
        }
        let bytes = try BinaryEncoder().encode(Reordered())
        let fast = try #require(CallContextWireCodec.read(bytes[...]))
        #expect(fast.context(deadline: nil) == CallContext(requestID: "r", keyKind: "secret"))
    }

    @Test func unusualShapesGoToTheDecoder() throws {
        struct Newer: Codable { var requestId: String; var traceParent: String }
        struct Numeric: Codable { var requestId: Int }
        struct NoRequestID: Codable { var projectId: String }
        for bytes in [try BinaryEncoder().encode(Newer(requestId: "r", traceParent: "00-abc")),
                      try BinaryEncoder().encode(Numeric(requestId: 7)),
                      try BinaryEncoder().encode(NoRequestID(projectId: "p")),
                      [0x09, 0x05, 0, 0, 0, 0x01, 0x72, 0x07, 0x01, 0xFF],  // invalid UTF-8, unknown name
                      [0x09, 0x0D, 0, 0, 0, 0x09] + Array("requestId".utf8) + [0x07, 0x01, 0xFF],  // invalid UTF-8
                      [0x09, 0x09, 0, 0, 0, 0x09] + Array("requestId".utf8),  // length too short for the field
                      [0x09, 0xFF, 0, 0, 0], [0x07, 0x00], []] {
            #expect(CallContextWireCodec.read(bytes[...]) == nil)
        }
    }

    @Test func truncatedAndCorruptInputNeverTraps() throws {
        let bytes = try BinaryEncoder().encode(CallContextWireForm(Self.contexts()[2]))
        for cut in 0..<bytes.count {
            _ = CallContextWireCodec.read(bytes[..<cut])
            var corrupt = bytes
            corrupt[cut] ^= 0xFF
            if let form = CallContextWireCodec.read(corrupt[...]) {
                #expect(form == (try? BinaryDecoder().decode(CallContextWireForm.self, from: corrupt)))
            }
        }
    }
}
