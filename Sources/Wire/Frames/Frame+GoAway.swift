extension Frame {
    /// GOAWAY payload (`docs/wire.md` §5.7): u32 BE last accepted call id | u8 code | u16 BE reason
    /// length | reason (UTF-8).
    ///
    /// Calls with ids up to `lastCallID` that the sender accepted still finish; calls above it were never
    /// processed and may be retried on another connection.
    public struct GoAway: Sendable, Hashable {
        /// The longest reason, in UTF-8 bytes.
        public static let maxReasonLength = 1024

        /// The highest call id the sender accepted (0 if none).
        public var lastCallID: UInt32
        /// `.ok` for a graceful drain; otherwise why the connection ends (e.g. `.unimplemented` for no
        /// common version, `.invalidArgument` for a protocol violation, `.resourceExhausted` for a frame too large).
        public var code: WireError.Code
        /// A short human-readable reason for logs; never secrets or payload data.
        public var reason: String

        /// Creates a GOAWAY.
        public init(lastCallID: UInt32, code: WireError.Code = .ok, reason: String = "") {
            self.lastCallID = lastCallID
            self.code = code
            self.reason = reason
        }

        static func decode(from reader: inout FramePayloadReader) throws(FrameError) -> GoAway {
            let lastCallID = try reader.readInteger(UInt32.self)
            let code = WireError.Code(rawValue: try reader.readInteger(UInt8.self)) ?? .unknown
            let reasonLength = Int(try reader.readInteger(UInt16.self))
            guard reasonLength <= maxReasonLength else { throw reader.malformed("GOAWAY reason too long") }
            let reason = try reader.readString(reasonLength)
            try reader.expectEnd()
            return GoAway(lastCallID: lastCallID, code: code, reason: reason)
        }
    }
}
