import Testing
@testable import ServiceKit

@Suite("ConstantTime")
struct ConstantTimeTests {
    @Test func equalBytes() {
        #expect(ConstantTime.equals([1, 2, 3] as [UInt8], [1, 2, 3] as [UInt8]))
        #expect(ConstantTime.equals([UInt8](), [UInt8]()))
        #expect(ConstantTime.equals("psk_abc", "psk_abc"))
        let bytes: [UInt8] = [9, 8, 7, 6]
        #expect(ConstantTime.equals(bytes[1...], [8, 7, 6] as [UInt8]))
        #expect(ConstantTime.equals(bytes.lazy.map { $0 }, bytes))
    }

    @Test func unequalBytes() {
        #expect(!ConstantTime.equals([1, 2, 3] as [UInt8], [1, 2, 4] as [UInt8]))
        #expect(!ConstantTime.equals([0, 2, 3] as [UInt8], [1, 2, 3] as [UInt8]))
        #expect(!ConstantTime.equals("psk_abc", "psk_abd"))
    }

    @Test func differentLengths() {
        #expect(!ConstantTime.equals([1, 2, 3] as [UInt8], [1, 2] as [UInt8]))
        #expect(!ConstantTime.equals([UInt8](), [0] as [UInt8]))
        #expect(!ConstantTime.equals("abc", "abcd"))
    }
}
