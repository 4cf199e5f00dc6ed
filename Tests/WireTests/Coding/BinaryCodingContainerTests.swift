import Foundation
import Testing
@testable import Wire

@Suite("Binary coder containers")
struct BinaryCodingContainerTests {
    enum Keys: String, CodingKey { case a, b, c, nested, list }

    /// Hand-written Codable using nested keyed and unkeyed containers, out-of-order reads and `allKeys`.
    struct Manual: Codable, Equatable {
        var a: Int
        var b: String
        var inner: [String: Int]
        var list: [[Bool]]

        init(a: Int, b: String, inner: [String: Int], list: [[Bool]]) {
            self.a = a; self.b = b; self.inner = inner; self.list = list
        }

        struct AnyKey: CodingKey {
            var stringValue: String
            init(stringValue: String) { self.stringValue = stringValue }
            var intValue: Int? { nil }
            init?(intValue: Int) { nil }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(a, forKey: .a)
            var nested = container.nestedContainer(keyedBy: AnyKey.self, forKey: .nested)
            for (key, value) in inner.sorted(by: { $0.key < $1.key }) { try nested.encode(value, forKey: AnyKey(stringValue: key)) }
            var list = container.nestedUnkeyedContainer(forKey: .list)
            for row in self.list {
                var rowContainer = list.nestedUnkeyedContainer()
                for value in row { try rowContainer.encode(value) }
            }
            #expect(list.count == self.list.count)
            try container.encode(b, forKey: .b)
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            b = try container.decode(String.self, forKey: .b)  // out of order on purpose
            a = try container.decode(Int.self, forKey: .a)
            let nested = try container.nestedContainer(keyedBy: AnyKey.self, forKey: .nested)
            var inner: [String: Int] = [:]
            for key in nested.allKeys { inner[key.stringValue] = try nested.decode(Int.self, forKey: key) }
            self.inner = inner
            var list = try container.nestedUnkeyedContainer(forKey: .list)
            var rows: [[Bool]] = []
            #expect(list.count == 2 || list.count == 0)
            while !list.isAtEnd {
                var row = try list.nestedUnkeyedContainer()
                var values: [Bool] = []
                while !row.isAtEnd { values.append(try row.decode(Bool.self)) }
                rows.append(values)
            }
            self.list = rows
            #expect(container.contains(.a) && !container.contains(.c))
            #expect(try container.decodeNil(forKey: .c))
        }
    }

    @Test func nestedContainersRoundTrip() throws {
        let value = Manual(a: -5, b: "bee", inner: ["x": 1, "y": 2], list: [[true, false], []])
        #expect(try binaryRoundTrip(value) == value)
    }

    @Test func usingAFinishedNestedContainerIsATypedError() {
        struct Misuse: Encodable {
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Keys.self)
                var nested = container.nestedContainer(keyedBy: Keys.self, forKey: .nested)
                try container.encode(1, forKey: .a)  // the parent moves on: `nested` is closed
                try nested.encode(2, forKey: .b)
            }
        }
        #expect { _ = try BinaryEncoder().encode(Misuse()) } throws: { ($0 as? BinaryCodingError)?.code == .containerMisuse }
    }

    @Test func askingForTheSameKeyedContainerTwiceIsFine() throws {
        struct Twice: Codable, Equatable {
            var a: Int, b: Int
            init(a: Int, b: Int) { self.a = a; self.b = b }
            func encode(to encoder: any Encoder) throws {
                var first = encoder.container(keyedBy: Keys.self)
                try first.encode(a, forKey: .a)
                var second = encoder.container(keyedBy: Keys.self)
                try second.encode(b, forKey: .b)
            }
            init(from decoder: any Decoder) throws {
                a = try decoder.container(keyedBy: Keys.self).decode(Int.self, forKey: .a)
                b = try decoder.container(keyedBy: Keys.self).decode(Int.self, forKey: .b)
            }
        }
        #expect(try binaryRoundTrip(Twice(a: 1, b: 2)) == Twice(a: 1, b: 2))
    }

    @Test func twoSingleValuesIsATypedError() {
        struct Double: Encodable {
            func encode(to encoder: any Encoder) throws {
                var container = encoder.singleValueContainer()
                try container.encode(1)
                try container.encode(2)
            }
        }
        #expect { _ = try BinaryEncoder().encode(Double()) } throws: { ($0 as? BinaryCodingError)?.code == .containerMisuse }
    }

    @Test func aValueThatEncodesNothingIsAnEmptyKeyedContainer() throws {
        struct Nothing: Codable, Equatable {
            init() {}
            func encode(to encoder: any Encoder) throws {}
            init(from decoder: any Decoder) throws { _ = try decoder.container(keyedBy: Keys.self) }
        }
        #expect(try BinaryEncoder().encode(Nothing()) == [0x09, 0, 0, 0, 0])
        #expect(try binaryRoundTrip([Nothing(), Nothing()]) == [Nothing(), Nothing()])
    }

    @Test func superEncoderInUnkeyedContainersAndUnusedSuperEncoders() throws {
        struct Wrapper: Codable, Equatable {
            var values: [Int]
            init(values: [Int]) { self.values = values }
            func encode(to encoder: any Encoder) throws {
                var list = encoder.unkeyedContainer()
                for value in values { try value.encode(to: list.superEncoder()) }
                var keyed = encoder.container(keyedBy: Keys.self)
                _ = keyed  // never used: asking for a second kind of container would be misuse
                _ = keyed.superEncoder()
            }
            init(from decoder: any Decoder) throws {
                var list = try decoder.unkeyedContainer()
                var values: [Int] = []
                while !list.isAtEnd { values.append(try Int(from: list.superDecoder())) }
                self.values = values
            }
        }
        #expect { _ = try BinaryEncoder().encode(Wrapper(values: [1, 2])) } throws: {
            ($0 as? BinaryCodingError)?.code == .containerMisuse
        }
        struct Clean: Codable, Equatable {
            var values: [Int]
            init(values: [Int]) { self.values = values }
            func encode(to encoder: any Encoder) throws {
                var list = encoder.unkeyedContainer()
                for value in values { try value.encode(to: list.superEncoder()) }
            }
            init(from decoder: any Decoder) throws {
                var list = try decoder.unkeyedContainer()
                var values: [Int] = []
                while !list.isAtEnd { values.append(try Int(from: list.superDecoder())) }
                self.values = values
            }
        }
        #expect(try binaryRoundTrip(Clean(values: [1, -2, 3])) == Clean(values: [1, -2, 3]))
    }

    @Test func codingPathIsVisibleToValues() throws {
        struct PathProbe: Codable {
            var path = ""
            init() {}
            func encode(to encoder: any Encoder) throws {
                var container = encoder.singleValueContainer()
                try container.encode(encoder.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: "/"))
            }
            init(from decoder: any Decoder) throws {
                path = try decoder.singleValueContainer().decode(String.self)
                #expect(path == decoder.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: "/"))
            }
        }
        struct Outer: Codable { var items: [PathProbe] }
        let decoded = try binaryRoundTrip(Outer(items: [PathProbe(), PathProbe()]))
        #expect(decoded.items.map(\.path) == ["items/0", "items/1"])
    }
}
