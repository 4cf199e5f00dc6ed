/// One `NOTIFY` received by a ``PostgresListener``.
public struct PostgresNotification: Sendable, Hashable {
    /// The channel it was sent on.
    public let channel: String
    /// The payload (empty if none was given).
    public let payload: String
    /// The server process id of the sending session.
    public let processID: Int32

    /// Creates a notification (used by tests).
    public init(channel: String, payload: String, processID: Int32) {
        self.channel = channel
        self.payload = payload
        self.processID = processID
    }
}
