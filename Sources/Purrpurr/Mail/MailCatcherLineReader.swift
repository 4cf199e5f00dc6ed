#if canImport(Glibc)
import Glibc
#endif

/// Splits an SMTP byte stream into lines: a line ends at LF, and one CR before it is dropped too, so sloppy
/// clients that send bare LF work as well as CRLF ones.
///
/// ```swift
/// var reader = MailCatcherLineReader()
/// reader.append(Array("NOOP\r\nQU".utf8))
/// reader.nextLine(maxLength: 1000)   // .line("NOOP")
/// reader.nextLine(maxLength: 1000)   // nil: "QU" waits for more bytes
/// ```
///
/// A line longer than `maxLength` octets (counting its line end) is reported once as ``Line/tooLong``; the
/// rest of it, up to and including its LF, is then discarded as it arrives, so memory stays bounded by
/// `maxLength` plus one read.
struct MailCatcherLineReader {
    /// One result of ``nextLine(maxLength:)``.
    enum Line: Equatable {
        /// A complete line without its line end.
        case line([UInt8])
        /// A line passed the limit; what follows it up to its LF is dropped.
        case tooLong
    }

    private var buffer: [UInt8] = []
    /// Where unread bytes start in `buffer`.
    private var start = 0
    /// Where the search for LF resumes (bytes before it, from `start`, hold no LF).
    private var scanned = 0
    /// Dropping the tail of a too-long line until its LF.
    private var discarding = false

    /// Bytes received and not yet returned as lines.
    var bufferedByteCount: Int { buffer.count - start }

    /// Adds bytes from the connection.
    mutating func append(_ bytes: some Collection<UInt8>) {
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeFirst(start)
            scanned -= start
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete line, `.tooLong` once for a line over `maxLength` octets (line end included), or nil
    /// when more bytes are needed.
    mutating func nextLine(maxLength: Int) -> Line? {
        while true {
            let newline = firstLineFeed()
            if discarding {
                guard let newline else {
                    dropAll()
                    return nil
                }
                discarding = false
                consume(through: newline)
                continue
            }
            guard let newline else {
                if buffer.count - start >= maxLength {
                    discarding = true
                    dropAll()
                    return .tooLong
                }
                scanned = buffer.count
                return nil
            }
            if newline + 1 - start > maxLength {
                consume(through: newline)
                return .tooLong
            }
            var end = newline
            if end > start && buffer[end - 1] == 13 { end -= 1 }
            let line = Array(buffer[start..<end])
            consume(through: newline)
            return .line(line)
        }
    }

    /// The index of the first LF at or after `scanned` (`memchr`: a message is megabytes of lines).
    private func firstLineFeed() -> Int? {
        buffer.withUnsafeBufferPointer { bytes -> Int? in
            guard let base = bytes.baseAddress, scanned < bytes.count,
                let found = memchr(base + scanned, 10, bytes.count - scanned)
            else { return nil }
            return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
    }

    private mutating func consume(through newline: Int) {
        start = newline + 1
        scanned = start
        if start == buffer.count { dropAll() }
    }

    private mutating func dropAll() {
        buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 20)
        start = 0
        scanned = 0
    }
}
