import Testing
@testable import ServiceKit

@Suite("SecureRandom")
struct SecureRandomTests {
    @Test func lengths() {
        #expect(SecureRandom.bytes(0).isEmpty)
        #expect(SecureRandom.bytes(1).count == 1)
        #expect(SecureRandom.bytes(4096).count == 4096)
    }

    @Test func drawsDiffer() {
        let a = SecureRandom.bytes(32)
        let b = SecureRandom.bytes(32)
        #expect(a != b)
        #expect(a != [UInt8](repeating: 0, count: 32))
    }

    @Test func fillsABuffer() {
        var buffer = [UInt8](repeating: 0, count: 64)
        buffer.withUnsafeMutableBytes { SecureRandom.fill($0) }
        #expect(buffer != [UInt8](repeating: 0, count: 64))
        SecureRandom.fill(UnsafeMutableRawBufferPointer(start: nil, count: 0))  // no-op
    }
}
