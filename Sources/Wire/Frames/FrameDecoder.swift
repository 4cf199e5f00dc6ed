/// Turns a byte stream into frames, whatever way it is split.
///
///     var decoder = FrameDecoder(maxFrameLength: hello.settings.maxFrameLength)
///     decoder.append(chunk)
///     while let frame = try decoder.next() { handle(frame) }
///
/// `next()` returns nil on a partial frame without consuming it. A length field above `maxFrameLength`
/// throws as soon as its four bytes arrive, before anything is buffered for it. Unknown types 0x80–0xFF
/// (extension frames) are skipped; other unknown types throw. Any throw is fatal for the connection.
public struct FrameDecoder: Sendable {
    /// The largest length field accepted; what this side announced in its HELLO.
    public var maxFrameLength: Int
    private var buffer: [UInt8] = []
    private var readIndex = 0

    /// Creates a decoder. `maxFrameLength` defaults to 16 MiB.
    public init(maxFrameLength: Int = Frame.defaultMaxFrameLength) {
        self.maxFrameLength = maxFrameLength
    }

    /// Bytes received but not yet returned as frames.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// Adds bytes as they arrive.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compactIfUseful()
        buffer.append(contentsOf: bytes)
    }

    /// Adds bytes as they arrive.
    public mutating func append(_ bytes: some Collection<UInt8>) {
        compactIfUseful()
        buffer.append(contentsOf: bytes)
    }

    /// Drops consumed bytes once that is cheap relative to what remains.
    private mutating func compactIfUseful() {
        if readIndex == 0 { return }
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            readIndex = 0
        } else if readIndex >= 4096 && readIndex * 2 >= buffer.count {
            buffer.removeSubrange(0..<readIndex)
            readIndex = 0
        }
    }

    private func uint32(at index: Int) -> UInt32 {
        UInt32(buffer[index]) << 24 | UInt32(buffer[index + 1]) << 16 | UInt32(buffer[index + 2]) << 8 | UInt32(buffer[index + 3])
    }

    /// The next complete frame, or nil if more bytes are needed.
    ///
    /// - Parameter now: the receiver's clock, used to rebuild a REQUEST's deadline from its remaining time.
    public mutating func next(now: ContinuousClock.Instant = .now) throws(FrameError) -> Frame? {
        while true {
            let available = buffer.count - readIndex
            guard available >= 4 else { return nil }
            let length = Int(uint32(at: readIndex))
            guard length <= maxFrameLength else {
                throw FrameError(.frameTooLarge, "the frame length exceeds the maximum")
            }
            guard length >= Frame.lengthCountedHeaderSize else {
                throw FrameError(.frameTooShort, "the frame length is smaller than its header")
            }
            guard available >= 4 + length else { return nil }
            let type = buffer[readIndex + 4]
            let flags = buffer[readIndex + 5]
            let callID = uint32(at: readIndex + 6)
            let frameEnd = readIndex + 4 + length
            guard let kind = Frame.Kind(rawValue: type) else {
                guard type >= Frame.firstExtensionType else {
                    throw FrameError(.unknownFrameType, frameType: type, "unknown frame type")
                }
                readIndex = frameEnd  // An extension frame this version does not know: skip it.
                continue
            }
            let payload = buffer[(readIndex + Frame.headerSize)..<frameEnd]
            let frame = try Frame.decode(kind: kind, flags: flags, callID: callID, payload: payload, now: now)
            readIndex = frameEnd
            return frame
        }
    }
}
