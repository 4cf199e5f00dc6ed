import Foundation
import Testing
@testable import Wire

@Suite("Binary coder round trips")
struct BinaryCodingRoundTripTests {
    enum Color: String, Codable, Equatable { case red, green, blue }
    enum Level: Int, Codable, Equatable { case low = 1, high = 99 }

    struct Scalars: Codable, Equatable {
        var bool: Bool
        var int: Int, int8: Int8, int16: Int16, int32: Int32, int64: Int64
        var uint: UInt, uint8: UInt8, uint16: UInt16, uint32: UInt32, uint64: UInt64
        var float: Float, double: Double
        var string: String
    }

    struct Nested: Codable, Equatable {
        struct Inner: Codable, Equatable { var name: String; var values: [Int]; var more: [Inner]? }
        var inner: Inner
        var inners: [Inner]
        var matrix: [[Int]]
        var optionalInner: Inner?
    }

    struct Optionals: Codable, Equatable {
        var a: Int?
        var b: String?
        var c: [String?]
        var d: [Int]?
        var e: Bool?
    }

    struct Foundationy: Codable, Equatable {
        var date: Date
        var uuid: UUID
        var data: Data
        var bytes: [UInt8]
        var url: URL
        var dates: [Date]
    }

    struct Collections: Codable, Equatable {
        var strings: [String]
        var ints: [Int]
        var int64s: [Int64]
        var doubles: [Double]
        var bools: [Bool]
        var byString: [String: Int]
        var byInt: [Int: String]
        var stringToString: [String: String]
        var byUUID: [UUID: Int]
        var sets: Set<String>
        var empties: [[String]]
    }

    @Test func scalarsAtTheExtremes() throws {
        for value in [
            Scalars(bool: true, int: .min, int8: .min, int16: .min, int32: .min, int64: .min,
                    uint: .min, uint8: .min, uint16: .min, uint32: .min, uint64: .min,
                    float: -.greatestFiniteMagnitude, double: -.greatestFiniteMagnitude, string: ""),
            Scalars(bool: false, int: .max, int8: .max, int16: .max, int32: .max, int64: .max,
                    uint: .max, uint8: .max, uint16: .max, uint32: .max, uint64: .max,
                    float: .leastNonzeroMagnitude, double: .leastNonzeroMagnitude, string: "x"),
            Scalars(bool: true, int: 0, int8: -1, int16: 1, int32: -64, int64: 64,
                    uint: 127, uint8: 128, uint16: 16383, uint32: 16384, uint64: 1 << 63,
                    float: .infinity, double: -.infinity, string: String(repeating: "long ", count: 100)),
        ] {
            #expect(try binaryRoundTrip(value) == value)
        }
    }

    @Test func nanSurvives() throws {
        struct Floats: Codable { var f: Float; var d: Double; var list: [Double] }
        let decoded = try binaryRoundTrip(Floats(f: .nan, d: .nan, list: [.nan, .infinity, -0.0]))
        #expect(decoded.f.isNaN && decoded.d.isNaN && decoded.list[0].isNaN)
        #expect(decoded.list[1] == .infinity)
        #expect(decoded.list[2] == 0 && decoded.list[2].sign == .minus)
    }

    @Test func unicodeStrings() throws {
        let strings = ["", "a", "ñandú", "日本語のテキスト", "emoji 👩‍👩‍👧‍👦 🇪🇸", "\u{0}nul inside", "\u{FFFD}", "e\u{301}",
                       String(repeating: "ü", count: 1000)]
        for string in strings {
            #expect(try binaryRoundTrip(string) == string)
        }
        #expect(try binaryRoundTrip(strings) == strings)
    }

    @Test func enumsWithRawValues() throws {
        struct Holder: Codable, Equatable { var color: Color; var level: Level; var colors: [Color]; var maybe: Color? }
        let value = Holder(color: .green, level: .high, colors: [.red, .blue], maybe: nil)
        #expect(try binaryRoundTrip(value) == value)
        #expect(try binaryRoundTrip(Color.blue) == .blue)
    }

    @Test func enumsWithAssociatedValues() throws {
        enum Shape: Codable, Equatable { case circle(radius: Double), rect(Int, Int), empty }
        let shapes: [Shape] = [.circle(radius: 1.5), .rect(3, 4), .empty]
        #expect(try binaryRoundTrip(shapes) == shapes)
    }

    @Test func nestedKeyedAndUnkeyed() throws {
        let leaf = Nested.Inner(name: "leaf", values: [], more: nil)
        let value = Nested(
            inner: .init(name: "a", values: [1, -2, 3], more: [leaf, leaf]),
            inners: [leaf, .init(name: "b", values: [Int.max], more: [])],
            matrix: [[], [1], [1, 2, 3]],
            optionalInner: leaf)
        #expect(try binaryRoundTrip(value) == value)
    }

    @Test func optionalsPresentAndAbsent() throws {
        let all = Optionals(a: 0, b: "", c: ["x", nil, "y"], d: [], e: false)
        let none = Optionals(a: nil, b: nil, c: [nil, nil], d: nil, e: nil)
        #expect(try binaryRoundTrip(all) == all)
        #expect(try binaryRoundTrip(none) == none)
        // Absent optionals cost nothing: the keyed container only holds `c`.
        let bytes = try BinaryEncoder().encode(none)
        #expect(bytes.count == 5 + 2 + 9 + 2)
    }

    @Test func foundationTypes() throws {
        let value = Foundationy(
            date: Date(timeIntervalSince1970: 1_700_000_000.123456),
            uuid: UUID(),
            data: Data([0, 1, 2, 255]),
            bytes: Array(0...255),
            url: URL(string: "https://example.com/a?b=c#d")!,
            dates: [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: -1.5), Date(timeIntervalSinceReferenceDate: 0)])
        let decoded = try binaryRoundTrip(value)
        #expect(decoded.uuid == value.uuid)
        #expect(decoded.data == value.data)
        #expect(decoded.bytes == value.bytes)
        #expect(decoded.url == value.url)
        #expect(abs(decoded.date.timeIntervalSince1970 - 1_700_000_000.123456) < 1e-6)
        #expect(decoded.dates == value.dates)
    }

    @Test func datesKeepMicroseconds() throws {
        for micros: Int64 in [0, 1, -1, 999_999, 1_700_000_000_123_456, -62_135_596_800_000_000, 253_402_300_799_000_000] {
            let date = Date(timeIntervalSince1970: Double(micros) / 1_000_000)
            let decoded = try binaryRoundTrip(date)
            let decodedMicros = (decoded.timeIntervalSince1970 * 1_000_000).rounded()
            #expect(Int64(decodedMicros) == micros)
            // The wire value is exactly the microsecond count (signed varint, zigzag).
            let bytes = try BinaryEncoder().encode(date)
            #expect(try BinaryDecoder().decode(Int64.self, from: bytes) == micros)
        }
    }

    @Test func nonFiniteDateIsATypedError() {
        #expect {
            _ = try BinaryEncoder().encode(Date(timeIntervalSinceReferenceDate: .infinity))
        } throws: { ($0 as? BinaryCodingError)?.code == .invalidValue }
    }

    @Test func collectionsAndDictionaries() throws {
        let value = Collections(
            strings: ["a", "", "ü"], ints: [0, -1, .max, .min], int64s: [1 << 40], doubles: [0.5, -2],
            bools: [true, false], byString: ["one": 1, "": 0], byInt: [1: "a", -7: "b"],
            stringToString: ["k": "v", "empty": ""], byUUID: [UUID(): 3], sets: ["x", "y"], empties: [[], [""]])
        #expect(try binaryRoundTrip(value) == value)
        let empty = Collections(strings: [], ints: [], int64s: [], doubles: [], bools: [], byString: [:], byInt: [:],
                                stringToString: [:], byUUID: [:], sets: [], empties: [])
        #expect(try binaryRoundTrip(empty) == empty)
    }

    @Test func topLevelScalarsAndCollections() throws {
        #expect(try binaryRoundTrip(42) == 42)
        #expect(try binaryRoundTrip("top") == "top")
        #expect(try binaryRoundTrip([1, 2, 3]) == [1, 2, 3])
        #expect(try binaryRoundTrip(["a": 1]) == ["a": 1])
        #expect(try binaryRoundTrip([UInt8]()) == [])
        #expect(try binaryRoundTrip(Int?.none) == nil)
        #expect(try binaryRoundTrip(Optional(5)) == 5)
    }

    @Test func integersDecodeAcrossWidthsWhenTheyFit() throws {
        let small = try BinaryEncoder().encode(Int64(100))
        #expect(try BinaryDecoder().decode(UInt8.self, from: small) == 100)
        #expect(try BinaryDecoder().decode(Int16.self, from: small) == 100)
        let big = try BinaryEncoder().encode(Int64(300))
        #expect { _ = try BinaryDecoder().decode(UInt8.self, from: big) } throws: {
            ($0 as? BinaryCodingError)?.code == .numberOutOfRange
        }
        let negative = try BinaryEncoder().encode(-1)
        #expect { _ = try BinaryDecoder().decode(UInt.self, from: negative) } throws: {
            ($0 as? BinaryCodingError)?.code == .numberOutOfRange
        }
    }

    @Test func classesWithSuperEncoder() throws {
        class Base: Codable { var id: Int; init(id: Int) { self.id = id } }
        final class Derived: Base {
            var name: String
            init(id: Int, name: String) { self.name = name; super.init(id: id) }
            enum CodingKeys: String, CodingKey { case name }
            required init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                name = try container.decode(String.self, forKey: .name)
                try super.init(from: container.superDecoder())
            }
            override func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(name, forKey: .name)
                try super.encode(to: container.superEncoder())
            }
        }
        let decoded = try binaryRoundTrip(Derived(id: 7, name: "seven"))
        #expect(decoded.id == 7 && decoded.name == "seven")
    }
}
