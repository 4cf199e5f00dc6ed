/// Per-connection settings shared by ``TCPListener`` and ``TCPConnector``.
public struct ConnectionOptions: Sendable {
    /// Close the connection (with ``TCPError/idleTimeout``) when nothing was read or sent for this long.
    /// `nil`: never. A silent peer costs a descriptor and one timer, never a thread.
    public var idleTimeout: Duration?
    /// With TLS, close a peer that has not completed the handshake within this long.
    public var handshakeTimeout: Duration
    /// Buffered outbound bytes above which the connection reports itself not writable.
    public var highWaterMark: Int
    /// Buffered outbound bytes at or below which a not-writable connection becomes writable again.
    public var lowWaterMark: Int

    /// Creates options; water marks are clamped so that `0 <= low <= high`.
    public init(
        idleTimeout: Duration? = nil,
        handshakeTimeout: Duration = .seconds(10),
        highWaterMark: Int = 256 * 1024,
        lowWaterMark: Int = 64 * 1024
    ) {
        self.idleTimeout = idleTimeout
        self.handshakeTimeout = handshakeTimeout
        self.highWaterMark = max(highWaterMark, 1)
        self.lowWaterMark = min(max(lowWaterMark, 0), self.highWaterMark)
    }
}
