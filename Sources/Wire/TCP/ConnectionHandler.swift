/// Receives a ``Connection``'s events, always on the connection's event loop thread.
///
/// Only ``connection(_:received:)`` is required. A handler usually keeps its connection (strongly is fine:
/// the connection drops its handler once closed, which breaks the cycle).
///
/// ```swift
/// final class Echo: ConnectionHandler {
///     func connection(_ connection: Connection, received bytes: UnsafeRawBufferPointer) {
///         connection.write(bytes)   // sent at the end of the loop tick, coalesced with other writes
///     }
/// }
/// ```
public protocol ConnectionHandler: AnyObject {
    /// The connection is ready for traffic (after the TLS handshake, if any: `peerIdentity` is set).
    func connectionActive(_ connection: Connection)

    /// Bytes arrived. `bytes` is valid only during this call (it is the loop's shared read buffer):
    /// copy what you keep.
    func connection(_ connection: Connection, received bytes: UnsafeRawBufferPointer)

    /// Buffered outbound bytes crossed the high water mark (`writable: false`: stop producing) or drained
    /// below the low water mark (`writable: true`: resume). Delivered after the write that caused it returned.
    func connectionWritabilityChanged(_ connection: Connection, writable: Bool)

    /// The peer will send nothing more (end of stream). The default closes the connection once pending
    /// output is flushed; override to keep writing on a half-closed connection, then call `close()`.
    func connectionInputClosed(_ connection: Connection)

    /// The connection is closed: `error` is nil for an orderly close, else the reason (a ``SocketError``,
    /// a ``TCPError``, or a TLS error). Called exactly once, last.
    func connectionClosed(_ connection: Connection, error: (any Error)?)
}

extension ConnectionHandler {
    /// Does nothing.
    public func connectionActive(_ connection: Connection) {}
    /// Does nothing.
    public func connectionWritabilityChanged(_ connection: Connection, writable: Bool) {}
    /// Closes the connection after flushing what is pending.
    public func connectionInputClosed(_ connection: Connection) { connection.close() }
    /// Does nothing.
    public func connectionClosed(_ connection: Connection, error: (any Error)?) {}
}
