// libFuzzer target for `BinaryDecoder`, built by `scripts/fuzz.sh BinaryDecoder` together with
// Sources/Wire/{Coding,Frames,Model} as one module (so no `import Wire`).
//
// Oracles: no crash or sanitizer report; only `BinaryCodingError` is thrown; whatever decodes re-encodes
// and decodes to an equal value.
import Foundation

struct FuzzRecord: Codable, Equatable {
    enum Kind: String, Codable { case a, b }
    indirect enum Node: Codable, Equatable { case leaf(Int), branch([Node]) }
    var id: UUID?
    var name: String
    var count: Int?
    var flags: [Bool]?
    var ratio: Double?
    var when: Date?
    var kind: Kind?
    var blob: [UInt8]?
    var data: Data?
    var words: [String]?
    var table: [String: [Int64]]?
    var byInt: [Int: String]?
    var children: [FuzzRecord]?
    var tree: Node?
    var small: Int8?
    var big: UInt64?
    var float: Float?
}

func check<T: Codable & Equatable>(_ type: T.Type, _ bytes: UnsafeRawBufferPointer) {
    let value: T
    do {
        value = try BinaryDecoder().decode(T.self, from: bytes)
    } catch is BinaryCodingError {
        return
    } catch {
        fatalError("unexpected error type")
    }
    do {
        let again = try BinaryDecoder().decode(T.self, from: BinaryEncoder().encode(value))
        // NaN is the one value not equal to itself; compare through the encoding instead.
        if again != value, try BinaryEncoder().encode(again) != BinaryEncoder().encode(value) {
            fatalError("round trip changed the value")
        }
    } catch {
        fatalError("a decoded value did not round-trip")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBinaryDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    check(FuzzRecord.self, bytes)
    check([String: [Int]].self, bytes)
    check([FuzzRecord.Node].self, bytes)
    check(String.self, bytes)
    check(Int32.self, bytes)
    check(WireError.self, bytes)
    return 0
}
