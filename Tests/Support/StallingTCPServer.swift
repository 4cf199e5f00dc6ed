import Foundation
import Synchronization

/// A TCP server on 127.0.0.1 that accepts connections and never says a word: a relay that stalls before
/// its greeting. It counts connections (all, and the most open at once) and closes its side when the
/// client does.
///
/// ```swift
/// let stalling = try StallingTCPServer.start()
/// defer { stalling.stop() }
/// // … point a client at 127.0.0.1:\(stalling.port) …
/// #expect(stalling.mostOpenAtOnce == 1)
/// ```
final class StallingTCPServer: Sendable {
    private struct Counts {
        var open = 0
        var mostOpen = 0
        var accepted = 0
        var stopping = false
    }

    /// The port it listens on.
    let port: Int
    private let listener: Int32
    private let counts = Mutex(Counts())
    private let finished = Mutex(false)

    private init(port: Int, listener: Int32) {
        self.port = port
        self.listener = listener
    }

    /// Connections accepted so far.
    var accepted: Int { counts.withLock { $0.accepted } }
    /// The most connections that were open at the same time.
    var mostOpenAtOnce: Int { counts.withLock { $0.mostOpen } }

    /// Listens on an ephemeral port and serves (silently) on a thread of its own.
    static func start() throws -> StallingTCPServer {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard fd >= 0, bound == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw SMTPTestServerError(message: "the stalling server could not listen")
        }
        let server = StallingTCPServer(port: Int(UInt16(bigEndian: address.sin_port)), listener: fd)
        Thread.detachNewThread { server.serve() }
        return server
    }

    /// Stops serving and closes every connection.
    func stop() {
        counts.withLock { $0.stopping = true }
        while !finished.withLock({ $0 }) { usleep(10_000) }
    }

    deinit { stop() }

    private func serve() {
        var clients: [Int32] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !counts.withLock({ $0.stopping }) {
            var polled = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0)]
                + clients.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            guard poll(&polled, nfds_t(polled.count), 20) > 0 else { continue }
            // Departures first: a client that left and a new one arriving in the same round (a retry right after
            // a give-up, with this thread late) must not count as two open at once.
            for entry in polled.dropFirst() where entry.revents != 0 {
                if read(entry.fd, &buffer, buffer.count) <= 0 {  // the client left: so do we
                    close(entry.fd)
                    clients.removeAll { $0 == entry.fd }
                    counts.withLock { $0.open -= 1 }
                }
            }
            if polled[0].revents != 0 {
                let client = accept(listener, nil, nil)
                if client >= 0 {
                    clients.append(client)
                    counts.withLock {
                        $0.accepted += 1
                        $0.open += 1
                        $0.mostOpen = max($0.mostOpen, $0.open)
                    }
                }
            }
        }
        clients.forEach { close($0) }
        close(listener)
        finished.withLock { $0 = true }
    }
}
