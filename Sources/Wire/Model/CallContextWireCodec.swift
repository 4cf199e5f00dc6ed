/// The REQUEST frame's call context (`docs/wire.md` §8) written and read by hand, byte for byte what
/// `BinaryEncoder` makes of ``CallContextWireForm`` — a keyed container of up to six strings in declaration
/// order, nil fields absent — without the generic `Codable` machinery (containers, key boxes, metadata
/// lookups), which cost more per call than the rest of the frame.
///
/// Reading takes the fast path only for what Swift peers write: known names, string values or explicit
/// nils. Anything else (a field a newer peer added, another wire type, invalid UTF-8, a missing
/// `requestId`) returns nil and the caller decodes with `BinaryDecoder`, so unknown fields are still
/// skipped and errors are still the decoder's.
enum CallContextWireCodec {
    /// Field names as UTF-8, in the order `CallContextWireForm` declares (and `BinaryEncoder` writes) them.
    static let requestId = Array("requestId".utf8)
    static let projectId = Array("projectId".utf8)
    static let subject = Array("subject".utf8)
    static let sessionId = Array("sessionId".utf8)
    static let clientAddress = Array("clientAddress".utf8)
    static let keyKind = Array("keyKind".utf8)

    // MARK: writing

    /// Appends the context's keyed container (tag, u32 LE body length, fields) to `bytes`.
    static func append(_ context: CallContext, to bytes: inout [UInt8]) {
        bytes.append(BinaryWireType.keyed)
        let lengthIndex = bytes.count
        bytes.append(contentsOf: [0, 0, 0, 0] as [UInt8])
        appendField(requestId, context.requestID, to: &bytes)
        if let value = context.projectID { appendField(projectId, value, to: &bytes) }
        if let value = context.subject { appendField(subject, value, to: &bytes) }
        if let value = context.sessionID { appendField(sessionId, value, to: &bytes) }
        if let value = context.clientAddress { appendField(clientAddress, value, to: &bytes) }
        if let value = context.keyKind { appendField(keyKind, value, to: &bytes) }
        let length = UInt32(truncatingIfNeeded: bytes.count - lengthIndex - 4)
        bytes[lengthIndex] = UInt8(truncatingIfNeeded: length)
        bytes[lengthIndex + 1] = UInt8(truncatingIfNeeded: length >> 8)
        bytes[lengthIndex + 2] = UInt8(truncatingIfNeeded: length >> 16)
        bytes[lengthIndex + 3] = UInt8(truncatingIfNeeded: length >> 24)
    }

    @inline(__always)
    private static func appendField(_ name: [UInt8], _ value: String, to bytes: inout [UInt8]) {
        appendVarint(UInt64(name.count), to: &bytes)
        bytes.append(contentsOf: name)
        bytes.append(BinaryWireType.string)
        var value = value
        value.withUTF8 { utf8 in
            appendVarint(UInt64(utf8.count), to: &bytes)
            bytes.append(contentsOf: utf8)
        }
    }

    @inline(__always)
    private static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    // MARK: reading

    /// The context in `bytes` (exactly one keyed container), or nil when it is not the plain shape above
    /// and must go through `BinaryDecoder` (which also reports every malformation).
    static func read(_ bytes: ArraySlice<UInt8>) -> CallContextWireForm? {
        bytes.withUnsafeBytes { raw in read(raw) }
    }

    static func read(_ raw: UnsafeRawBufferPointer) -> CallContextWireForm? {
        let count = raw.count
        guard count >= 5, raw[0] == BinaryWireType.keyed else { return nil }
        let length = Int(raw[1]) | Int(raw[2]) << 8 | Int(raw[3]) << 16 | Int(raw[4]) << 24
        guard length == count - 5 else { return nil }
        var form = CallContextWireForm(requestId: "")
        var sawRequestID = false
        var offset = 5
        while offset < count {
            guard let nameLength = readVarint(raw, &offset), nameLength <= UInt64(count - offset) else { return nil }
            let name = UnsafeRawBufferPointer(rebasing: raw[offset..<offset + Int(nameLength)])
            offset += Int(nameLength)
            guard offset < count else { return nil }
            let tag = raw[offset]
            offset += 1
            let value: String?
            switch tag {
            case BinaryWireType.null:
                value = nil
            case BinaryWireType.string:
                guard let valueLength = readVarint(raw, &offset), valueLength <= UInt64(count - offset) else { return nil }
                let span = UnsafeRawBufferPointer(rebasing: raw[offset..<offset + Int(valueLength)])
                offset += Int(valueLength)
                guard let string = BinaryDecoderImpl.makeString(span) else { return nil }
                value = string
            default:
                return nil
            }
            if name.elementsEqual(requestId) {
                guard let value else { return nil }
                form.requestId = value
                sawRequestID = true
            } else if name.elementsEqual(projectId) {
                form.projectId = value
            } else if name.elementsEqual(subject) {
                form.subject = value
            } else if name.elementsEqual(sessionId) {
                form.sessionId = value
            } else if name.elementsEqual(clientAddress) {
                form.clientAddress = value
            } else if name.elementsEqual(keyKind) {
                form.keyKind = value
            } else {
                return nil  // a field this build does not know: the decoder skips it
            }
        }
        return sawRequestID ? form : nil
    }

    @inline(__always)
    private static func readVarint(_ raw: UnsafeRawBufferPointer, _ offset: inout Int) -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while offset < raw.count, shift < 63 {
            let byte = raw[offset]
            offset += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        return nil  // truncated or long: the decoder says which
    }
}
