extension Frame {
    /// Decodes one frame's payload, checking the call id rule and that the payload is consumed exactly.
    static func decode(
        kind: Kind, flags: UInt8, callID: UInt32, payload: ArraySlice<UInt8>, now: ContinuousClock.Instant
    ) throws(FrameError) -> Frame {
        guard (callID == 0) == kind.isConnectionLevel else {
            throw FrameError(.invalidCallID, frameType: kind.rawValue,
                             kind.isConnectionLevel ? "a connection frame must have call id 0" : "a call frame must not have call id 0")
        }
        var reader = FramePayloadReader(payload, type: kind.rawValue)
        switch kind {
        case .hello:
            return .hello(try Hello.decode(from: &reader))
        case .request:
            return .request(callID: callID, try Request.decode(from: &reader, flags: flags, now: now))
        case .response:
            return .response(callID: callID, body: reader.readRest())
        case .error:
            let error: WireError
            do {
                error = try BinaryDecoder(maxDepth: 8).decode(WireError.self, from: reader.readRest())
            } catch {
                throw reader.malformed("the ERROR payload does not decode")
            }
            return .error(callID: callID, error)
        case .cancel:
            try reader.expectEnd()
            return .cancel(callID: callID)
        case .ping, .pong:
            let data = try reader.readInteger(UInt64.self)
            try reader.expectEnd()
            return kind == .ping ? .ping(data) : .pong(data)
        case .goAway:
            return .goAway(try GoAway.decode(from: &reader))
        }
    }
}
