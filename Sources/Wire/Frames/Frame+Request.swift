extension Frame {
    /// REQUEST payload (`docs/wire.md` §5.2): u16 BE method length | method (UTF-8) | [u64 BE remaining
    /// microseconds, if flag 0x01] | u32 BE context length | context (binary-coded) | body (the rest).
    public struct Request: Sendable, Hashable {
        /// The longest method name, in UTF-8 bytes.
        public static let maxMethodLength = 1024

        /// The method, e.g. `identity.v1.GetUser`.
        public var method: String
        /// The call's metadata. On receipt `callerService` is nil (the server sets it from the certificate)
        /// and `deadline` is rebuilt from the remaining time on the receiver's clock.
        public var context: CallContext
        /// The binary-coded request value; when decoded, a slice of the decoder's buffer.
        public var body: ArraySlice<UInt8>

        /// Creates a request.
        public init(method: String, context: CallContext, body: ArraySlice<UInt8>) {
            self.method = method
            self.context = context
            self.body = body
        }

        static func decode(from reader: inout FramePayloadReader, flags: UInt8, now: ContinuousClock.Instant) throws(FrameError) -> Request {
            let methodLength = Int(try reader.readInteger(UInt16.self))
            guard methodLength > 0, methodLength <= maxMethodLength else { throw reader.malformed("bad method name length") }
            let method = try reader.readString(methodLength)
            var deadline: ContinuousClock.Instant?
            if flags & Frame.flagHasDeadline != 0 {
                let micros = try reader.readInteger(UInt64.self)
                deadline = now + .microseconds(Int64(clamping: micros))
            }
            let contextLength = Int(try reader.readInteger(UInt32.self))
            let contextBytes = try reader.readSlice(contextLength)
            let wireForm: CallContextWireForm
            if let fast = CallContextWireCodec.read(contextBytes) {
                wireForm = fast
            } else {
                do {
                    wireForm = try BinaryDecoder(maxDepth: 8).decode(CallContextWireForm.self, from: contextBytes)
                } catch {
                    throw reader.malformed("the call context does not decode")
                }
            }
            return Request(method: method, context: wireForm.context(deadline: deadline), body: reader.readRest())
        }

        /// Remaining time in whole microseconds (rounded down, never negative).
        static func remainingMicros(until deadline: ContinuousClock.Instant, now: ContinuousClock.Instant) -> UInt64 {
            guard deadline > now else { return 0 }
            let (seconds, attoseconds) = (deadline - now).components
            let micros = seconds.multipliedReportingOverflow(by: 1_000_000)
            guard !micros.overflow else { return UInt64.max }
            return UInt64(clamping: micros.partialValue + attoseconds / 1_000_000_000_000)
        }
    }
}
