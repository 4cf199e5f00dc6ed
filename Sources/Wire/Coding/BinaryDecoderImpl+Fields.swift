import Foundation

/// Scanning the fields of a keyed container body: `name length (varint) | name (UTF-8) | value`.
extension BinaryDecoderImpl {
    /// The field starting at `position`: its name bytes, the offset of its value and the offset after it.
    @inline(__always)
    func field(at position: Int, end: Int) throws(BinaryReadFailure) -> (name: UnsafeRawBufferPointer, value: Int, next: Int) {
        var valueOffset = position
        let length = try readVarint(&valueOffset, limit: end)
        guard length <= UInt64(end - valueOffset) else { throw .lengthOutOfBounds }
        let name = UnsafeRawBufferPointer(start: base + valueOffset, count: Int(length))
        valueOffset += Int(length)
        let next = try skipValue(at: valueOffset, limit: end)
        return (name, valueOffset, next)
    }

    /// Finds the field called `name` in the body `start..<end` and returns the offset of its value.
    ///
    /// The search starts where the previous successful lookup at nesting level `slot` ended (fields usually
    /// arrive in the order they are asked for, so this is one comparison), and wraps around once.
    func findField(_ name: UnsafeRawBufferPointer, start: Int, end: Int, slot: Int) throws(BinaryReadFailure) -> Int? {
        guard start < end else { return nil }
        var position = start
        let hasCursor = slot < cursorCapacity
        if hasCursor {
            if cursors[slot].start == start {
                position = cursors[slot].position
            } else {
                cursors[slot] = (start, start)
            }
        }
        let origin = position
        repeat {
            let field = try field(at: position, end: end)
            let next = field.next == end ? start : field.next
            if field.name.count == name.count,
               name.isEmpty || memcmp(field.name.baseAddress!, name.baseAddress!, name.count) == 0 {
                if hasCursor { cursors[slot].position = next }
                return field.value
            }
            position = next
        } while position != origin
        return nil
    }
}
