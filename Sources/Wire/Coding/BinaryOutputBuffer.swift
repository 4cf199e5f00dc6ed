/// A growable byte buffer owned by one encoding pass.
///
/// Raw storage rather than `[UInt8]` so that appends and length back-patches cost no uniqueness or
/// exclusivity checks; the result is copied out once at the end.
final class BinaryOutputBuffer {
    @exclusivity(unchecked) private(set) var base: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private(set) var count: Int = 0
    @exclusivity(unchecked) private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        self.base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    @inline(__always)
    func reserve(_ extra: Int) {
        if capacity &- count < extra { grow(extra) }
    }

    @inline(never)
    private func grow(_ extra: Int) {
        var newCapacity = capacity &* 2
        while newCapacity - count < extra { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inline(__always)
    func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count &+= 1
    }

    @inline(__always)
    func append(_ first: UInt8, _ second: UInt8) {
        reserve(2)
        base[count] = first
        base[count &+ 1] = second
        count &+= 2
    }

    func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        UnsafeMutableRawPointer(base + count).copyMemory(from: source, byteCount: bytes.count)
        count &+= bytes.count
    }

    /// Appends a LEB128 varint (7 bits a byte, least significant group first, high bit = more).
    @inline(__always)
    func appendVarint(_ value: UInt64) {
        reserve(10)
        var value = value
        var index = count
        while value >= 0x80 {
            base[index] = UInt8(truncatingIfNeeded: value) | 0x80
            value &>>= 7
            index &+= 1
        }
        base[index] = UInt8(truncatingIfNeeded: value)
        count = index &+ 1
    }

    @inline(__always)
    func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        let size = MemoryLayout<T>.size
        reserve(size)
        UnsafeMutableRawPointer(base + count).storeBytes(of: value.littleEndian, as: T.self)
        count &+= size
    }

    /// Overwrites four bytes at `offset` with `value`, little-endian.
    @inline(__always)
    func patchUInt32(_ value: UInt32, at offset: Int) {
        UnsafeMutableRawPointer(base + offset).storeBytes(of: value.littleEndian, as: UInt32.self)
    }

    func truncate(to newCount: Int) {
        precondition(newCount >= 0 && newCount <= count)
        count = newCount
    }

    func makeArray() -> [UInt8] {
        Array(UnsafeBufferPointer(start: base, count: count))
    }

    func append(to bytes: inout [UInt8]) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: base, count: count))
    }
}
