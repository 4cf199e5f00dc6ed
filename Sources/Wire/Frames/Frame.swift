/// One Wire frame (`docs/wire.md` §4): a 10-byte header — length (u32 BE, counting everything after it),
/// type, flags, call id (u32 BE) — and a payload whose layout depends on the type.
///
///     var decoder = FrameDecoder()
///     decoder.append(bytesFromSocket)
///     while let frame = try decoder.next() {
///         switch frame {
///         case .request(let callID, let request): …
///         default: …
///         }
///     }
public enum Frame: Sendable, Hashable {
    /// Version and settings negotiation, the first frame each side sends (call id 0).
    case hello(Hello)
    /// Starts call `callID`: method, context (deadline as remaining time) and body.
    case request(callID: UInt32, Request)
    /// The successful end of call `callID`; `body` is the binary-coded response (a slice of the decoder's buffer).
    case response(callID: UInt32, body: ArraySlice<UInt8>)
    /// The failed end of call `callID`.
    case error(callID: UInt32, WireError)
    /// The caller gave up on call `callID`; the server stops work and sends nothing more for it.
    case cancel(callID: UInt32)
    /// Liveness probe with opaque data the peer echoes in a PONG (call id 0).
    case ping(UInt64)
    /// The answer to a PING, echoing its data (call id 0).
    case pong(UInt64)
    /// The sender accepts no calls above `lastCallID` and will close once the calls it accepted finish (call id 0).
    case goAway(GoAway)

    /// The frame type byte. The numbers never change; 0x80–0xFF are extension frames a receiver skips if
    /// it does not know them, any other unknown type is a protocol error.
    public enum Kind: UInt8, Sendable, Hashable, CaseIterable {
        case hello = 0x01
        case request = 0x02
        case response = 0x03
        case error = 0x04
        case cancel = 0x05
        case ping = 0x06
        case pong = 0x07
        case goAway = 0x08

        /// Whether frames of this type belong to the connection (call id 0) rather than to one call.
        public var isConnectionLevel: Bool {
            switch self {
            case .hello, .ping, .pong, .goAway: true
            case .request, .response, .error, .cancel: false
            }
        }
    }

    /// Bytes before the payload: length (4), type (1), flags (1), call id (4).
    public static let headerSize = 10
    /// The part of the header the length field counts: type, flags, call id.
    static let lengthCountedHeaderSize = 6
    /// The default largest frame length accepted (the value of the length field): 16 MiB.
    public static let defaultMaxFrameLength = 16 * 1024 * 1024
    /// The smallest maximum frame length a peer may announce: 64 KiB.
    public static let minimumMaxFrameLength = 64 * 1024
    /// Types 0x80 and up are extension frames: skipped by receivers that do not know them.
    public static let firstExtensionType: UInt8 = 0x80

    /// REQUEST flag: an 8-byte remaining time follows the method name.
    static let flagHasDeadline: UInt8 = 0x01

    /// The frame's type.
    public var kind: Kind {
        switch self {
        case .hello: .hello
        case .request: .request
        case .response: .response
        case .error: .error
        case .cancel: .cancel
        case .ping: .ping
        case .pong: .pong
        case .goAway: .goAway
        }
    }

    /// The call the frame belongs to; 0 for connection-level frames.
    public var callID: UInt32 {
        switch self {
        case .request(let callID, _), .response(let callID, _), .error(let callID, _), .cancel(let callID):
            callID
        case .hello, .ping, .pong, .goAway:
            0
        }
    }
}
