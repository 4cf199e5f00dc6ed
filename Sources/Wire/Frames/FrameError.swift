/// A malformed or unacceptable frame (or an attempt to encode one). Any decoding error is fatal for the
/// connection: the receiver sends GOAWAY (`docs/wire.md` §9) and closes. Never carries payload bytes.
public struct FrameError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong; stable across releases.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The length field exceeds the negotiated maximum (checked as soon as the length is read).
        case frameTooLarge
        /// The length field is smaller than the 6 bytes of type, flags and call id.
        case frameTooShort
        /// A type in 0x09–0x7F, which no version defines.
        case unknownFrameType
        /// Call id 0 on a call frame, or non-zero on a connection frame.
        case invalidCallID
        /// The payload does not follow its type's layout (too short, bad length, bad UTF-8, bad magic, …).
        case malformedPayload
        /// The payload has bytes left after its last field.
        case trailingBytes
        /// An encoder was asked to write something the layout cannot hold (e.g. an empty method name).
        case invalidArgument
    }

    /// What went wrong.
    public let code: Code
    /// The frame type byte involved, if known.
    public let frameType: UInt8?
    /// A constant explanation; never contains payload data.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, frameType: UInt8? = nil, _ message: String) {
        self.code = code
        self.frameType = frameType
        self.message = message
    }

    /// A generic description: code, frame type and the constant message.
    public var description: String {
        let type = frameType.map { " type 0x" + String($0, radix: 16) } ?? ""
        return "FrameError(\(code.rawValue)\(type)): \(message)"
    }
}
