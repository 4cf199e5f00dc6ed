#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A fresh folder under the system temporary directory for one mail test (removed by the test).
func mailTestDirectory() -> String {
    NSTemporaryDirectory() + "purrpurr-mail-test-" + UUID().uuidString
}

/// A raw, blocking SMTP client for the mail catcher tests: sends exactly the bytes given and reads replies.
/// Every read gives up after 5 s, so a broken server fails the test instead of hanging it.
final class MailTestClient {
    private let fd: CInt
    private var buffer: [UInt8] = []

    /// Connects to 127.0.0.1:`port`.
    init(port: Int) throws {
        fd = socket(AF_INET, CInt(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(fd)
            throw POSIXError(.ECONNREFUSED)
        }
    }

    deinit { close(fd) }

    /// Sends `text` as UTF-8 in one write.
    func send(_ text: String) {
        send(Array(text.utf8))
    }

    /// Sends `bytes`.
    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if sent <= 0 { return }
            offset += sent
        }
    }

    /// Closes the sending side (the server sees end of input); replies can still be read.
    func finishSending() {
        shutdown(fd, CInt(SHUT_WR))
    }

    /// Reads `count` complete replies (a multi-line reply counts once); each is its lines joined with "\n".
    /// Fewer come back if the server closes or goes silent for 5 s.
    func replies(_ count: Int) -> [String] {
        var result: [String] = []
        var current: [String] = []
        while result.count < count, let line = readLine() {
            current.append(line)
            if line.count < 4 || line[line.index(line.startIndex, offsetBy: 3)] != "-" {
                result.append(current.joined(separator: "\n"))
                current = []
            }
        }
        return result
    }

    /// The codes of the next `count` replies.
    func codes(_ count: Int) -> [String] {
        replies(count).map { String($0.prefix(3)) }
    }

    /// Whether the server closed the connection (EOF within 5 s, nothing more to read).
    func isClosedByServer() -> Bool {
        readLine() == nil && buffer.isEmpty
    }

    private func readLine() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: 10) {
                var line = Array(buffer[..<newline])
                buffer.removeFirst(newline + 1)
                if line.last == 13 { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return nil }
            buffer += chunk[..<count]
        }
    }
}
