/// The server side of one SMTP connection of the ``MailCatcher``, as a pure value: bytes and events go in,
/// ``Action``s come out, and the connection handler only runs them. No sockets, no clock, no files, so every
/// path is tested without I/O.
///
/// ```swift
/// var session = MailCatcherSession(maxMessageBytes: 10 << 20)
/// session.connectionOpened()                         // [.reply(220 …)]
/// session.received(Array("EHLO me\r\nMAIL FROM:<a@x>\r\n".utf8))   // [.reply(250 EHLO), .reply(250 OK)]
/// // … RCPT, DATA, the message and "." give [.store(envelope)]; then:
/// session.messageStored(name: "20260101T000000.000-abcdEFGH.eml")  // [.reply(250 OK queued as …)]
/// ```
///
/// Commands answered (RFC 5321 subset): EHLO, HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT, VRFY (252); anything
/// else 502, out of order 503, a command line over 1000 octets 500. Pipelined commands are answered in order;
/// while a message is being stored (``Action/store(_:)``), later input waits until ``messageStored(name:)`` or
/// ``messageNotStored()``.
struct MailCatcherSession {
    /// What the connection must do, in order.
    enum Action: Equatable {
        /// Send this reply.
        case reply(MailCatcherReply)
        /// Store this message, then report with ``messageStored(name:)`` or ``messageNotStored()``.
        case store(MailCatcherEnvelope)
        /// Close the connection once the replies before it are sent.
        case close
    }

    /// Where the conversation is.
    enum State: Equatable {
        /// Greeting sent; waiting for EHLO or HELO.
        case awaitingHello
        /// Greeted, no transaction open.
        case idle
        /// MAIL FROM accepted; collecting recipients.
        case mail
        /// After `354`: reading the message until a line holding only ".".
        case data
        /// The message is being stored; input is held until the result arrives.
        case storing
        /// QUIT, idle timeout or shutdown: nothing more is read.
        case closed
    }

    /// The longest command line, line end included (RFC 5321 §4.5.3.1.6's text line limit).
    static let maximumCommandLength = 1000
    /// The most recipients per message (RFC 5321 §4.5.3.1.8's minimum).
    static let maximumRecipients = 100
    /// The name the catcher gives itself in replies.
    static let hostname = "localhost"

    /// The largest message accepted, in octets as received (after dot-unstuffing).
    let maxMessageBytes: Int
    /// Where the conversation is.
    private(set) var state: State = .awaitingHello

    var reader = MailCatcherLineReader()
    /// The open transaction's reverse path.
    var from = ""
    /// Whether MAIL FROM carried `SMTPUTF8` (non-ASCII addresses allowed).
    var utf8Addresses = false
    /// The open transaction's recipients.
    var recipients: [String] = []
    /// The message read so far.
    var content: [UInt8] = []
    /// The message passed the size limit: it is read to its end and refused with 552.
    var oversize = false

    /// A session refusing messages over `maxMessageBytes` octets.
    init(maxMessageBytes: Int) {
        self.maxMessageBytes = max(maxMessageBytes, 1)
    }

    /// The connection is open: the greeting.
    mutating func connectionOpened() -> [Action] {
        [.reply(MailCatcherReply(220, "\(Self.hostname) ESMTP Purrpurr mail catcher (development only)"))]
    }

    /// Bytes arrived: the replies (and at most one store) for every complete line, in order.
    mutating func received(_ bytes: some Collection<UInt8>) -> [Action] {
        guard state != .closed else { return [] }
        reader.append(bytes)
        return processBufferedLines()
    }

    /// The message of the last ``Action/store(_:)`` is safely stored as `name`: `250`, then the input that
    /// waited meanwhile.
    mutating func messageStored(name: String) -> [Action] {
        guard state == .storing else { return [] }
        state = .idle
        return [.reply(MailCatcherReply(250, "OK queued as \(name)"))] + processBufferedLines()
    }

    /// The message of the last ``Action/store(_:)`` could not be stored: `451`, then the waiting input.
    mutating func messageNotStored() -> [Action] {
        guard state == .storing else { return [] }
        state = .idle
        return [.reply(MailCatcherReply(451, "Local error: the message could not be stored"))]
            + processBufferedLines()
    }

    /// Nothing arrived for too long: `421` and close.
    mutating func idleTimeoutPassed() -> [Action] {
        closing(MailCatcherReply(421, "\(Self.hostname) idle for too long, closing connection"))
    }

    /// The catcher is stopping: `421` and close.
    mutating func shutdownRequested() -> [Action] {
        closing(MailCatcherReply(421, "\(Self.hostname) shutting down, closing connection"))
    }

    /// Sends `reply` and closes (QUIT, idle timeout, shutdown); nothing once already closed.
    mutating func closing(_ reply: MailCatcherReply) -> [Action] {
        guard state != .closed else { return [] }
        state = .closed
        resetTransaction()
        return [.reply(reply), .close]
    }

    /// Answers each complete line until input runs out, a store starts, or the session closes.
    private mutating func processBufferedLines() -> [Action] {
        var actions: [Action] = []
        while true {
            switch state {
            case .storing, .closed:
                return actions
            case .data:
                // One line alone over the limit is enough to refuse the message.
                guard let line = reader.nextLine(maxLength: maxMessageBytes + 3) else { return actions }
                if let action = dataLine(line) { actions.append(action) }
            case .awaitingHello, .idle, .mail:
                guard let line = reader.nextLine(maxLength: Self.maximumCommandLength) else { return actions }
                switch line {
                case .tooLong:
                    actions.append(.reply(MailCatcherReply(500, "Line too long")))
                case .line(let bytes):
                    actions += command(bytes)
                }
            }
        }
    }

    /// One line of the message: the end marker, or content (one leading dot removed, CRLF appended).
    private mutating func dataLine(_ line: MailCatcherLineReader.Line) -> Action? {
        guard case .line(let bytes) = line else {
            markOversize()
            return nil
        }
        if bytes == [UInt8(ascii: ".")] { return endOfData() }
        guard !oversize else { return nil }
        let body = bytes.first == UInt8(ascii: ".") ? bytes.dropFirst() : bytes[...]
        if content.count + body.count + 2 > maxMessageBytes {
            markOversize()
            return nil
        }
        content += body
        content += [13, 10]
        return nil
    }

    private mutating func markOversize() {
        oversize = true
        content = []
    }

    /// The lone "." arrived: store the message, or refuse it when it was too big.
    private mutating func endOfData() -> Action {
        if oversize {
            resetTransaction()
            state = .idle
            return .reply(MailCatcherReply(552, "Message exceeds the maximum size of \(maxMessageBytes) bytes"))
        }
        let envelope = MailCatcherEnvelope(from: from, recipients: recipients, content: content)
        resetTransaction()
        state = .storing
        return .store(envelope)
    }

    /// Forgets the open transaction (RSET, EHLO, end of a message).
    mutating func resetTransaction() {
        from = ""
        utf8Addresses = false
        recipients = []
        content = []
        oversize = false
    }

    /// Moves to `state` (used by the command handlers).
    mutating func enter(_ state: State) {
        self.state = state
    }
}
