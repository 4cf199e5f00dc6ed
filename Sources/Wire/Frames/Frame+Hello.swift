extension Frame {
    /// HELLO payload (`docs/wire.md` §5.1): `"WIRE"` | u8 version count | u16 BE versions | u8 setting
    /// count | (u16 BE id, u32 BE value) per setting.
    ///
    /// The client lists every version it speaks; the server answers with exactly one, the highest both
    /// speak (or GOAWAY `unimplemented` if there is none). Each side announces its own limits in `settings`.
    public struct Hello: Sendable, Hashable {
        /// The protocol version this implementation speaks.
        public static let currentVersion: UInt16 = 1
        /// The four bytes that open every HELLO payload: ASCII `WIRE`.
        public static let magic: [UInt8] = [0x57, 0x49, 0x52, 0x45]

        /// Offered versions (client) or the single chosen version (server).
        public var versions: [UInt16]
        /// The sender's limits.
        public var settings: Settings

        /// Creates a HELLO.
        public init(versions: [UInt16] = [Hello.currentVersion], settings: Settings = Settings()) {
            self.versions = versions
            self.settings = settings
        }

        /// The highest version in both lists, or nil if none.
        public static func negotiate(offered: [UInt16], supported: [UInt16] = [currentVersion]) -> UInt16? {
            offered.filter { supported.contains($0) }.max()
        }

        /// Limits a side announces about what it will *receive*. Unknown setting ids are ignored.
        public struct Settings: Sendable, Hashable {
            /// Setting 0x0001: the largest frame length (length field value) the sender accepts. ≥ 64 KiB.
            public var maxFrameLength: Int
            /// Setting 0x0002: the most calls the sender (as a server) runs at once on this connection. ≥ 1.
            public var maxConcurrentCalls: Int

            /// Creates settings; the defaults are 16 MiB frames and 1024 concurrent calls.
            public init(maxFrameLength: Int = Frame.defaultMaxFrameLength, maxConcurrentCalls: Int = 1024) {
                self.maxFrameLength = maxFrameLength
                self.maxConcurrentCalls = maxConcurrentCalls
            }

            static let maxFrameLengthID: UInt16 = 0x0001
            static let maxConcurrentCallsID: UInt16 = 0x0002
        }

        static func decode(from reader: inout FramePayloadReader) throws(FrameError) -> Hello {
            let magic = try reader.readSlice(4)
            guard magic.elementsEqual(Hello.magic) else { throw reader.malformed("HELLO does not start with WIRE") }
            let versionCount = Int(try reader.readInteger(UInt8.self))
            guard versionCount > 0 else { throw reader.malformed("HELLO offers no version") }
            var versions: [UInt16] = []
            versions.reserveCapacity(versionCount)
            for _ in 0..<versionCount { versions.append(try reader.readInteger(UInt16.self)) }
            var settings = Settings()
            let settingCount = Int(try reader.readInteger(UInt8.self))
            for _ in 0..<settingCount {
                let id = try reader.readInteger(UInt16.self)
                let value = try reader.readInteger(UInt32.self)
                switch id {
                case Settings.maxFrameLengthID:
                    guard value >= Frame.minimumMaxFrameLength else { throw reader.malformed("max frame length below 64 KiB") }
                    settings.maxFrameLength = Int(value)
                case Settings.maxConcurrentCallsID:
                    guard value >= 1 else { throw reader.malformed("max concurrent calls is zero") }
                    settings.maxConcurrentCalls = Int(value)
                default:
                    continue
                }
            }
            try reader.expectEnd()
            return Hello(versions: versions, settings: settings)
        }
    }
}
