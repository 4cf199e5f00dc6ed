import Foundation
import Testing
@testable import Wire

/// `T`'s own `Codable` through the generic coder: a wrapper that is not ``BinarySelfCodable`` and hands
/// the same encoder/decoder to `T`, so its bytes are what the generic path writes for `T`.
struct GenericallyCoded<T: Codable>: Codable {
    var value: T
    init(_ value: T) { self.value = value }
    init(from decoder: any Decoder) throws { self.value = try T(from: decoder) }
    func encode(to encoder: any Encoder) throws { try self.value.encode(to: encoder) }
}

/// A self-coding type using every writer and reader method (ints, dates, optionals, arrays, nested keyed).
struct SelfCodedSample: Codable, Equatable, BinarySelfCodable {
    struct Item: Codable, Equatable {
        var name: String
        var flag: Bool
    }

    var count: Int
    var big: Int64
    var when: Date?
    var names: [String]
    var data: [UInt8]
    var items: [Item]

    func writeWire(to writer: inout BinaryWireWriter) {
        writer.keyed { writer in
            writer.key("count"); writer.int(self.count)
            writer.key("big"); writer.int(self.big)
            if let when = self.when { writer.key("when"); writer.date(when) }
            writer.key("names"); writer.array(self.names) { writer, name in writer.string(name) }
            writer.key("data"); writer.bytes(self.data)
            writer.key("items")
            writer.array(self.items) { writer, item in
                writer.keyed { writer in
                    writer.key("name"); writer.string(item.name)
                    writer.key("flag"); writer.bool(item.flag)
                }
            }
        }
    }

    static func readWire(from reader: inout BinaryWireReader) -> SelfCodedSample? {
        var count: Int?, big: Int64?, when: Date?, names: [String]?, data: [UInt8]?, items: [Item]?
        let read = reader.keyed { reader, name in
            if name.matches("count") { count = reader.int(); return count != nil }
            if name.matches("big") { big = reader.int64(); return big != nil }
            if name.matches("when") { if reader.null() { return true }; when = reader.date(); return when != nil }
            if name.matches("names") { names = reader.array { $0.string() }; return names != nil }
            if name.matches("data") { data = reader.bytes(); return data != nil }
            if name.matches("items") {
                items = reader.array { reader in
                    var name: String?, flag: Bool?
                    let read = reader.keyed { reader, field in
                        if field.matches("name") { name = reader.string(); return name != nil }
                        if field.matches("flag") { flag = reader.bool(); return flag != nil }
                        return false
                    }
                    guard read, let name, let flag else { return nil }
                    return Item(name: name, flag: flag)
                }
                return items != nil
            }
            return false
        }
        guard read, let count, let big, let names, let data, let items else { return nil }
        return SelfCodedSample(count: count, big: big, when: when, names: names, data: data, items: items)
    }
}

@Suite("Binary coder self-coding types")
struct BinarySelfCodableTests {
    /// The self-coded bytes equal the generic coder's, and each path decodes the other's bytes.
    func expectSameAsGeneric<T: BinarySelfCodable & Equatable>(_ value: T) throws {
        let fast = try BinaryEncoder().encode(value)
        let generic = try BinaryEncoder().encode(GenericallyCoded(value))
        #expect(hex(fast) == hex(generic))
        var appended: [UInt8] = [0xEE]
        try BinaryEncoder().encode(value, appendingTo: &appended)
        #expect(appended == [0xEE] + generic)
        #expect(T.readSelfCoded(UnsafeRawBufferPointer(start: nil, count: 0)) == nil)
        let fastRead = generic.withUnsafeBytes { T.readSelfCoded($0) }
        #expect(fastRead == value)
        #expect(try BinaryDecoder().decode(T.self, from: generic) == value)
        #expect(try BinaryDecoder().decode(GenericallyCoded<T>.self, from: fast).value == value)
    }

    /// Decoding `bytes` gives what the generic decoder gives: the same value, or an error with the same code.
    func expectDecodesLikeGeneric<T: BinarySelfCodable & Equatable>(_ type: T.Type, _ bytes: [UInt8]) {
        let fast = Result { try BinaryDecoder().decode(T.self, from: bytes) }
        let generic = Result { try BinaryDecoder().decode(GenericallyCoded<T>.self, from: bytes).value }
        switch (fast, generic) {
        case (.success(let a), .success(let b)): #expect(a == b, "\(hex(bytes))")
        case (.failure(let a as BinaryCodingError), .failure(let b as BinaryCodingError)):
            #expect(a.code == b.code, "\(hex(bytes))")
        default: Issue.record("fast \(fast) vs generic \(generic) for \(hex(bytes))")
        }
    }

    @Test("EchoMessage: the same bytes as the generic coder, either way")
    func echoMessage() throws {
        try expectSameAsGeneric(EchoMessage())
        try expectSameAsGeneric(EchoMessage(text: "héllo ✓", payload: [1, 2, 3]))
        for count in [0, 1, 127, 128, 300, 16_384, 70_000] {
            try expectSameAsGeneric(EchoMessage(text: String(repeating: "a", count: count % 1000),
                                                payload: [UInt8](repeating: 0xA5, count: count)))
        }
    }

    @Test("every writer and reader method matches the generic coder")
    func sample() throws {
        var random = SeededGenerator(seed: 20)
        for round in 0..<200 {
            let sample = SelfCodedSample(
                count: round % 3 == 0 ? Int.min + round : Int.random(in: -1_000_000...1_000_000, using: &random),
                big: round % 5 == 0 ? Int64.max : Int64.random(in: Int64.min...Int64.max, using: &random),
                when: round % 4 == 0 ? nil : Date(timeIntervalSince1970: Double.random(in: -1e9...4e9, using: &random)),
                names: (0..<(round % 4)).map { "n\($0)-\(round)" },
                data: (0..<(round % 17)).map { _ in UInt8.random(in: 0...255, using: &random) },
                items: (0..<(round % 3)).map { SelfCodedSample.Item(name: "i\($0)", flag: $0 % 2 == 0) })
            let fast = try BinaryEncoder().encode(sample)
            #expect(fast == (try BinaryEncoder().encode(GenericallyCoded(sample))))
            #expect(try BinaryDecoder().decode(GenericallyCoded<SelfCodedSample>.self, from: fast).value
                    == BinaryDecoder().decode(SelfCodedSample.self, from: fast))
        }
    }

    @Test("unusual input falls back to the generic decoder: unknown fields, other order, other int type, nil, errors")
    func fallbacks() throws {
        let message = EchoMessage(text: "hi", payload: [7])
        // A newer peer's extra field: skipped by the generic path.
        struct Newer: Codable { var text = "hi"; var payload: [UInt8] = [7]; var extra = 5 }
        #expect(try BinaryDecoder().decode(EchoMessage.self, from: BinaryEncoder().encode(Newer())) == message)
        // Fields in another order.
        struct Reordered: Codable { var payload: [UInt8] = [7]; var text = "hi" }
        #expect(try BinaryDecoder().decode(EchoMessage.self, from: BinaryEncoder().encode(Reordered())) == message)
        // The payload written element by element (an unkeyed container) rather than as bytes.
        struct Elements: Codable {
            var text = "hi"; var payload: [UInt8] = [7]
            enum CodingKeys: CodingKey { case text, payload }
            func encode(to encoder: any Encoder) throws {
                var keyed = encoder.container(keyedBy: CodingKeys.self)
                try keyed.encode(text, forKey: .text)
                var list = keyed.nestedUnkeyedContainer(forKey: .payload)
                for byte in payload { try list.encode(byte) }
            }
        }
        expectDecodesLikeGeneric(EchoMessage.self, try BinaryEncoder().encode(Elements()))
        // Missing field, wrong wire type, duplicate field, trailing bytes, truncation, invalid UTF-8.
        struct OnlyText: Codable { var text = "hi" }
        struct TextIsInt: Codable { var text = 5; var payload: [UInt8] = [] }
        let good = try BinaryEncoder().encode(message)
        let duplicate: [UInt8] = [0x09, 0x12, 0, 0, 0, 4] + Array("text".utf8) + [0x07, 1, 0x61]
            + [4] + Array("text".utf8) + [0x07, 1, 0x62] + [7] + Array("payload".utf8) + [0x08, 0]
        var badUTF8 = good
        badUTF8[11] = 0xFF
        for bytes in [try BinaryEncoder().encode(OnlyText()), try BinaryEncoder().encode(TextIsInt()),
                      duplicate, good + [0], Array(good.dropLast()), badUTF8, [0x09], [0x00], [0x0A, 0, 0, 0, 0, 0, 0, 0, 0]] {
            expectDecodesLikeGeneric(EchoMessage.self, bytes)
        }
        // Ints written as uint, an explicit nil for the optional date.
        struct Unsigned: Codable {
            var count: UInt = 3; var big: UInt64 = 4; var when: Date? = nil; var names: [String] = []
            var data: [UInt8] = []; var items: [SelfCodedSample.Item] = []
            enum CodingKeys: CodingKey { case count, big, when, names, data, items }
            func encode(to encoder: any Encoder) throws {
                var keyed = encoder.container(keyedBy: CodingKeys.self)
                try keyed.encode(count, forKey: .count); try keyed.encode(big, forKey: .big)
                try keyed.encodeNil(forKey: .when); try keyed.encode(names, forKey: .names)
                try keyed.encode(data, forKey: .data); try keyed.encode(items, forKey: .items)
            }
        }
        let unsigned = try BinaryEncoder().encode(Unsigned())
        #expect(unsigned.withUnsafeBytes { SelfCodedSample.readSelfCoded($0) }
                == SelfCodedSample(count: 3, big: 4, when: nil, names: [], data: [], items: []))
        expectDecodesLikeGeneric(SelfCodedSample.self, unsigned)
        // A uint too large for Int64.
        struct Huge: Codable { var count: UInt64 = .max; var big: UInt64 = .max; var names: [String] = []; var data: [UInt8] = []; var items: [SelfCodedSample.Item] = [] }
        expectDecodesLikeGeneric(SelfCodedSample.self, try BinaryEncoder().encode(Huge()))
    }

    @Test("a value the writer cannot represent throws the generic encoder's error and leaves the buffer as it was")
    func unrepresentableDate() throws {
        let sample = SelfCodedSample(count: 1, big: 2, when: Date(timeIntervalSinceReferenceDate: 1e300),
                                     names: [], data: [], items: [])
        var bytes: [UInt8] = [1, 2, 3]
        #expect(throws: BinaryCodingError.self) { try BinaryEncoder().encode(sample, appendingTo: &bytes) }
        #expect(bytes == [1, 2, 3])
        let error = #expect(throws: BinaryCodingError.self) { try BinaryEncoder().encode(sample) }
        #expect(error?.code == .invalidValue)
    }
}
