import Foundation
import Testing
@testable import Wire

@Suite("Binary coder hostile input")
struct BinaryCodingHostileInputTests {
    struct Sample: Codable, Equatable {
        var name: String
        var values: [Int]
        var children: [Sample]
        var blob: [UInt8]
        var when: Date?
    }

    static let sample = Sample(name: "root", values: [1, 2, 300], children: [Sample(name: "kid", values: [], children: [], blob: [1], when: nil)],
                               blob: [9, 8, 7], when: Date(timeIntervalSince1970: 12))

    func decodeError<T: Decodable>(_ type: T.Type, _ bytes: [UInt8]) -> BinaryCodingError? {
        do {
            _ = try BinaryDecoder().decode(type, from: bytes)
            return nil
        } catch let error as BinaryCodingError {
            return error
        } catch {
            Issue.record("unexpected error type \(error)")
            return nil
        }
    }

    @Test func everyTruncationIsATypedError() throws {
        let bytes = try BinaryEncoder().encode(Self.sample)
        for length in 0..<bytes.count {
            let error = decodeError(Sample.self, Array(bytes[..<length]))
            #expect(error != nil, "prefix of \(length) bytes decoded")
        }
    }

    @Test func trailingBytesAreRejected() throws {
        let bytes = try BinaryEncoder().encode(Self.sample) + [0]
        #expect(decodeError(Sample.self, bytes)?.code == .trailingBytes)
    }

    @Test func hugeLengthsAndCountsAreRejectedBeforeAllocating() {
        // A string claiming 2^62 bytes.
        #expect(decodeError(String.self, [0x07, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40])?.code == .lengthOutOfBounds)
        // A keyed container claiming 4 GiB.
        #expect(decodeError(Sample.self, [0x09, 0xFF, 0xFF, 0xFF, 0xFF])?.code == .lengthOutOfBounds)
        // An array claiming 4 billion elements in a 0-byte body.
        #expect(decodeError([Int].self, [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00])?.code == .lengthOutOfBounds)
        // An array whose count fits its body but whose elements run out.
        #expect(decodeError([String].self, [0x0A, 0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x07, 0x00]) != nil)
        // Bytes claiming more than the input.
        #expect(decodeError([UInt8].self, [0x08, 0xFF, 0x7F])?.code == .lengthOutOfBounds)
    }

    @Test func overlongVarintsAreRejected() throws {
        let eleven: [UInt8] = [0x04] + Array(repeating: 0xFF, count: 10) + [0x01]
        #expect(decodeError(UInt64.self, eleven)?.code == .numberOutOfRange)
        let tenthTooBig: [UInt8] = [0x04] + Array(repeating: 0xFF, count: 9) + [0x02]
        #expect(decodeError(UInt64.self, tenthTooBig)?.code == .numberOutOfRange)
        let maxValue: [UInt8] = [0x04] + Array(repeating: 0xFF, count: 9) + [0x01]
        #expect(try BinaryDecoder().decode(UInt64.self, from: maxValue) == .max)
    }

    @Test func invalidUTF8IsRejected() {
        for bad: [UInt8] in [[0xFF], [0xC0, 0x80], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0x61, 0xF4, 0x90, 0x80, 0x80], [0xF0, 0x9F, 0x98]] {
            #expect(decodeError(String.self, [0x07, UInt8(bad.count)] + bad)?.code == .invalidUTF8)
        }
        // In a field name of a dictionary, too.
        #expect(decodeError([String: String].self, [0x09, 0x04, 0x00, 0x00, 0x00, 0x01, 0xFF, 0x07, 0x00])?.code == .invalidUTF8)
    }

    @Test func deepNestingStopsAtTheLimit() throws {
        indirect enum Tree: Codable { case leaf, node([Tree]) }
        var tree = Tree.leaf
        for _ in 0..<200 { tree = .node([tree]) }
        // Encoding also refuses to go past the limit (which protects against cyclic graphs).
        #expect { _ = try BinaryEncoder().encode(tree) } throws: { ($0 as? BinaryCodingError)?.code == .depthLimitExceeded }
        let deep = try BinaryEncoder(maxDepth: 1000).encode(tree)
        #expect(decodeError(Tree.self, deep)?.code == .depthLimitExceeded)
        #expect(throws: Never.self) { _ = try BinaryDecoder(maxDepth: 1000).decode(Tree.self, from: deep) }
        // Nested arrays built by hand, 100 000 deep: one keyed tag, then arrays of one array each.
        var bytes: [UInt8] = []
        let depth = 100_000
        for level in 0..<depth {
            let body = UInt32((depth - level - 1) * 9)
            bytes += [0x0A, 0x01, 0x00, 0x00, 0x00] + withUnsafeBytes(of: body.littleEndian, Array.init)
        }
        #expect(decodeError([[[[[[[[Int]]]]]]]].self, bytes) != nil)
        #expect(decodeError(Tree.self, bytes) != nil)
    }

    @Test func wrongWireTypesAreTypeMismatches() throws {
        let stringBytes = try BinaryEncoder().encode("text")
        #expect(decodeError(Int.self, stringBytes)?.code == .typeMismatch)
        #expect(decodeError(Sample.self, stringBytes)?.code == .typeMismatch)
        #expect(decodeError([Int].self, stringBytes)?.code == .typeMismatch)
        #expect(decodeError(Bool.self, [0x00])?.code == .valueNotFound)
        #expect(decodeError(Int.self, [0x0B])?.code == .unknownWireType)
        #expect(decodeError(UUID.self, [0x08, 0x02, 0x01, 0x02])?.code == .dataCorrupted)
    }

    @Test func invalidRawValueBecomesDataCorruptedWithoutTheValue() throws {
        enum Color: String, Codable { case red }
        struct Holder: Codable { var color: Color }
        struct Raw: Codable { var color: String }
        let bytes = try BinaryEncoder().encode(Raw(color: "secret-value"))
        let error = try #require(decodeError(Holder.self, bytes))
        #expect(error.code == .dataCorrupted)
        #expect(error.keyPath == "color")
        #expect(!error.description.contains("secret-value"))
    }

    @Test func errorsNeverQuoteDictionaryKeys() throws {
        struct Strict: Codable { var byName: [String: Int] }
        struct Loose: Codable { var byName: [String: String] }
        let bytes = try BinaryEncoder().encode(Loose(byName: ["alice@example.com": "x"]))
        let error = try #require(decodeError(Strict.self, bytes))
        #expect(error.keyPath == "byName[*]")
        #expect(!error.description.contains("alice"))
    }

    @Test func randomBytesNeverCrash() {
        var generator = SeededGenerator(seed: 0xBAD_5EED)
        let valid = (try? BinaryEncoder().encode(Self.sample)) ?? []
        for iteration in 0..<3000 {
            var bytes: [UInt8]
            if iteration % 2 == 0 {
                bytes = (0..<Int.random(in: 0...64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            } else {
                // Mutate a valid encoding: flip, insert or delete a few bytes.
                bytes = valid
                for _ in 0..<Int.random(in: 1...4, using: &generator) where !bytes.isEmpty {
                    let index = Int.random(in: 0..<bytes.count, using: &generator)
                    switch Int.random(in: 0..<3, using: &generator) {
                    case 0: bytes[index] = UInt8.random(in: 0...255, using: &generator)
                    case 1: bytes.insert(UInt8.random(in: 0...255, using: &generator), at: index)
                    default: bytes.remove(at: index)
                    }
                }
            }
            do {
                _ = try BinaryDecoder().decode(Sample.self, from: bytes)
            } catch {
                #expect(error is BinaryCodingError)
            }
            _ = try? BinaryDecoder().decode([String: [Int]].self, from: bytes)
            _ = try? BinaryDecoder().decode(String.self, from: bytes)
        }
    }
}
