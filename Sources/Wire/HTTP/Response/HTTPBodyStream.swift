/// A response body made piece by piece while it is sent, with `Transfer-Encoding: chunked` (to an HTTP/1.0
/// client: without framing, and the connection closes at its end), for bodies too large to hold in memory.
///
/// The server asks for the next piece only once the previous one is buffered and the connection is
/// writable again, so a slow reader holds back the producer instead of filling memory; a reader that takes
/// nothing for ``HTTPBodyStream/stallTimeout`` is disconnected. If `next` throws, the connection is closed
/// without the last chunk: the client sees a truncated body, never one that looks complete. Responses
/// pipelined behind it wait until it ends.
///
/// ```swift
/// var pages = pages.makeIterator()
/// response.bodyStream = HTTPBodyStream { pages.next() }   // nil ends the body
/// ```
public final class HTTPBodyStream: Sendable, Hashable {
    /// How long the server waits for a client that reads nothing before closing its connection.
    public static let stallTimeout: Duration = .seconds(60)

    /// The next piece; nil at the end. Called one at a time, never concurrently.
    let next: @Sendable () async throws -> [UInt8]?

    /// A body whose pieces `next` makes (nil at the end; empty pieces are skipped).
    public init(_ next: @escaping @Sendable () async throws -> [UInt8]?) {
        self.next = next
    }

    public static func == (lhs: HTTPBodyStream, rhs: HTTPBodyStream) -> Bool { lhs === rhs }

    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}
