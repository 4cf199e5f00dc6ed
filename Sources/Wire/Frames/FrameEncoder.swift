/// Writes frames into one reusable buffer, one `mutating` method per frame type.
///
///     var encoder = FrameEncoder()
///     try encoder.appendRequest(callID: 1, method: "identity.v1.GetUser", context: context, body: body)
///     socket.write(encoder.bytes)
///     encoder.removeAll()   // keeps the capacity for the next batch
///
/// Each append either writes a whole frame or (on a thrown ``FrameError``) nothing.
public struct FrameEncoder: Sendable {
    /// The encoded frames, back to back.
    public private(set) var bytes: [UInt8]
    /// The largest frame length the *peer* accepts (from its HELLO); larger frames throw `frameTooLarge`.
    public var maxFrameLength: Int

    /// Creates an encoder.
    public init(maxFrameLength: Int = Frame.defaultMaxFrameLength, reservingCapacity capacity: Int = 4096) {
        self.maxFrameLength = maxFrameLength
        self.bytes = []
        self.bytes.reserveCapacity(capacity)
    }

    /// Empties the buffer, keeping its capacity.
    public mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }

    /// Returns the encoded bytes and empties the buffer.
    public mutating func take() -> [UInt8] {
        defer { bytes = [] }
        return bytes
    }

    // MARK: Frames

    /// HELLO (call id 0).
    public mutating func appendHello(_ hello: Frame.Hello) throws(FrameError) {
        guard !hello.versions.isEmpty, hello.versions.count <= 255 else {
            throw FrameError(.invalidArgument, frameType: Frame.Kind.hello.rawValue, "HELLO needs 1 to 255 versions")
        }
        let start = begin(.hello, flags: 0, callID: 0)
        bytes.append(contentsOf: Frame.Hello.magic)
        bytes.append(UInt8(hello.versions.count))
        for version in hello.versions { appendInteger(version) }
        bytes.append(2)
        appendInteger(Frame.Hello.Settings.maxFrameLengthID)
        appendInteger(UInt32(clamping: hello.settings.maxFrameLength))
        appendInteger(Frame.Hello.Settings.maxConcurrentCallsID)
        appendInteger(UInt32(clamping: hello.settings.maxConcurrentCalls))
        try finish(start)
    }

    /// REQUEST with an already encoded body. The deadline goes out as the time remaining at `now`.
    public mutating func appendRequest(
        callID: UInt32, method: String, context: CallContext, body: some Collection<UInt8>, now: ContinuousClock.Instant = .now
    ) throws(FrameError) {
        let start = try beginRequest(callID: callID, method: method, context: context, now: now)
        bytes.append(contentsOf: body)
        try finish(start)
    }

    /// REQUEST whose body is `value`, binary-coded straight into the frame buffer.
    public mutating func appendRequest<Body: Encodable>(
        callID: UInt32, method: String, context: CallContext, encoding value: Body,
        with encoder: BinaryEncoder = BinaryEncoder(), now: ContinuousClock.Instant = .now
    ) throws {
        let start = try beginRequest(callID: callID, method: method, context: context, now: now)
        try appendEncoded(value, with: encoder, frameStart: start)
    }

    /// RESPONSE with an already encoded body.
    public mutating func appendResponse(callID: UInt32, body: some Collection<UInt8>) throws(FrameError) {
        let start = try beginCall(.response, callID: callID)
        bytes.append(contentsOf: body)
        try finish(start)
    }

    /// RESPONSE whose body is `value`, binary-coded straight into the frame buffer.
    public mutating func appendResponse<Body: Encodable>(
        callID: UInt32, encoding value: Body, with encoder: BinaryEncoder = BinaryEncoder()
    ) throws {
        let start = try beginCall(.response, callID: callID)
        try appendEncoded(value, with: encoder, frameStart: start)
    }

    /// ERROR: the binary-coded `WireError`.
    public mutating func appendError(callID: UInt32, _ error: WireError) throws(FrameError) {
        let start = try beginCall(.error, callID: callID)
        do {
            try BinaryEncoder(maxDepth: 8).encode(error, appendingTo: &bytes)
        } catch {
            bytes.removeSubrange(start...)
            throw FrameError(.invalidArgument, frameType: Frame.Kind.error.rawValue, "the error does not encode")
        }
        try finish(start)
    }

    /// CANCEL (empty payload).
    public mutating func appendCancel(callID: UInt32) throws(FrameError) {
        let start = try beginCall(.cancel, callID: callID)
        try finish(start)
    }

    /// PING with opaque data the peer echoes.
    public mutating func appendPing(_ data: UInt64) {
        let start = begin(.ping, flags: 0, callID: 0)
        appendInteger(data)
        patchLength(start)
    }

    /// PONG echoing a PING's data.
    public mutating func appendPong(_ data: UInt64) {
        let start = begin(.pong, flags: 0, callID: 0)
        appendInteger(data)
        patchLength(start)
    }

    /// GOAWAY. A reason longer than 1024 bytes is cut (at a character boundary).
    public mutating func appendGoAway(_ goAway: Frame.GoAway) throws(FrameError) {
        let start = begin(.goAway, flags: 0, callID: 0)
        appendInteger(goAway.lastCallID)
        bytes.append(goAway.code.rawValue)
        var reason = Substring(goAway.reason)
        while reason.utf8.count > Frame.GoAway.maxReasonLength { reason = reason.dropLast() }
        appendInteger(UInt16(reason.utf8.count))
        bytes.append(contentsOf: reason.utf8)
        try finish(start)
    }

    /// Appends any frame (convenience for tests and tools; the typed methods are the hot path).
    public mutating func append(_ frame: Frame, now: ContinuousClock.Instant = .now) throws(FrameError) {
        switch frame {
        case .hello(let hello): try appendHello(hello)
        case .request(let callID, let request):
            try appendRequest(callID: callID, method: request.method, context: request.context, body: request.body, now: now)
        case .response(let callID, let body): try appendResponse(callID: callID, body: body)
        case .error(let callID, let error): try appendError(callID: callID, error)
        case .cancel(let callID): try appendCancel(callID: callID)
        case .ping(let data): appendPing(data)
        case .pong(let data): appendPong(data)
        case .goAway(let goAway): try appendGoAway(goAway)
        }
    }

    // MARK: Pieces

    private mutating func begin(_ kind: Frame.Kind, flags: UInt8, callID: UInt32) -> Int {
        let start = bytes.count
        appendInteger(UInt32(0))  // length, patched by `finish`
        bytes.append(kind.rawValue)
        bytes.append(flags)
        appendInteger(callID)
        return start
    }

    private mutating func beginCall(_ kind: Frame.Kind, callID: UInt32) throws(FrameError) -> Int {
        guard callID != 0 else { throw FrameError(.invalidArgument, frameType: kind.rawValue, "call frames need a non-zero call id") }
        return begin(kind, flags: 0, callID: callID)
    }

    private mutating func beginRequest(
        callID: UInt32, method: String, context: CallContext, now: ContinuousClock.Instant
    ) throws(FrameError) -> Int {
        let type = Frame.Kind.request.rawValue
        guard callID != 0 else { throw FrameError(.invalidArgument, frameType: type, "call frames need a non-zero call id") }
        let methodLength = method.utf8.count
        guard methodLength > 0, methodLength <= Frame.Request.maxMethodLength else {
            throw FrameError(.invalidArgument, frameType: type, "the method name must have 1 to 1024 bytes")
        }
        let start = begin(.request, flags: context.deadline == nil ? 0 : Frame.flagHasDeadline, callID: callID)
        appendInteger(UInt16(methodLength))
        bytes.append(contentsOf: method.utf8)
        if let deadline = context.deadline {
            appendInteger(Frame.Request.remainingMicros(until: deadline, now: now))
        }
        let lengthIndex = bytes.count
        appendInteger(UInt32(0))
        CallContextWireCodec.append(context, to: &bytes)  // the bytes `BinaryEncoder` would write, by hand
        patchInteger(UInt32(bytes.count - lengthIndex - 4), at: lengthIndex)
        return start
    }

    private mutating func appendEncoded<Body: Encodable>(_ value: Body, with encoder: BinaryEncoder, frameStart start: Int) throws {
        do {
            try encoder.encode(value, appendingTo: &bytes)
        } catch {
            bytes.removeSubrange(start...)
            throw error
        }
        try finish(start)
    }

    /// Patches the length field, or removes the frame and throws if it is larger than the peer accepts.
    private mutating func finish(_ start: Int) throws(FrameError) {
        let length = bytes.count - start - 4
        guard length <= maxFrameLength, length <= Int(UInt32.max) else {
            let type = bytes[start + 4]
            bytes.removeSubrange(start...)
            throw FrameError(.frameTooLarge, frameType: type, "the frame is larger than the peer accepts")
        }
        patchLength(start)
    }

    private mutating func patchLength(_ start: Int) {
        patchInteger(UInt32(truncatingIfNeeded: bytes.count - start - 4), at: start)
    }

    private mutating func appendInteger<I: FixedWidthInteger>(_ value: I) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    private mutating func patchInteger(_ value: UInt32, at index: Int) {
        bytes[index] = UInt8(truncatingIfNeeded: value >> 24)
        bytes[index + 1] = UInt8(truncatingIfNeeded: value >> 16)
        bytes[index + 2] = UInt8(truncatingIfNeeded: value >> 8)
        bytes[index + 3] = UInt8(truncatingIfNeeded: value)
    }
}
