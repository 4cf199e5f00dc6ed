import Foundation
@testable import Wire

/// Encodes and decodes `value` with the binary coder.
func binaryRoundTrip<T: Codable>(_ value: T, as type: T.Type = T.self) throws -> T {
    let bytes = try BinaryEncoder().encode(value)
    return try BinaryDecoder().decode(T.self, from: bytes)
}

/// A small deterministic generator (SplitMix64) so randomized tests are reproducible from their seed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Hex of bytes, for readable failures: "0a 00 ff".
func hex(_ bytes: some Sequence<UInt8>) -> String {
    bytes.map { String(format: "%02x", $0) }.joined(separator: " ")
}
