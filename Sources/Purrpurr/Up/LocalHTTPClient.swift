#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A minimal HTTP/1.1 client for the launcher's own calls to a local Router (`/readyz`, creating the demo
/// project): one request per connection (`Connection: close`), IPv4 loopback or any numeric IPv4 address, a
/// body read by `Content-Length` or to the end of the stream, and a timeout on every step. Not a general client.
enum LocalHTTPClient {
    /// A response: status and body.
    struct Response: Sendable {
        let status: Int
        let body: Data

        /// The body as a JSON object, or an empty dictionary.
        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        }
    }

    /// Sends one request to `http://host:port` and returns the response. Runs the blocking socket work on a
    /// separate thread.
    static func send(
        _ method: String, host: String = "127.0.0.1", port: Int, path: String, headers: [String: String] = [:],
        json: [String: Any]? = nil, timeout: Duration = .seconds(5)
    ) async throws -> Response {
        let body = try json.map { try JSONSerialization.data(withJSONObject: $0) } ?? Data()
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if json != nil { head += "Content-Type: application/json\r\n" }
        head += "Content-Length: \(body.count)\r\n\r\n"
        let request = Data(head.utf8) + body
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try exchange(request, host: host, port: port, timeout: timeout) })
            }
        }
    }

    private static func exchange(_ request: Data, host: String, port: Int, timeout: Duration) throws -> Response {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw LauncherError("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var interval = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw LauncherError("not an IPv4 address: \(host)") }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            throw LauncherError("could not connect to \(host):\(port): \(String(cString: strerror(errno)))")
        }
        try request.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
                guard written > 0 else { throw LauncherError("could not send to \(host):\(port)") }
                offset += written
            }
        }
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while received.count < 16 << 20 {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count == 0 { break }
            guard count > 0 else {
                if errno == EINTR { continue }
                throw LauncherError("no answer from \(host):\(port) within \(timeout)")
            }
            received.append(contentsOf: buffer[0..<count])
            if let response = parse(received) { return response }
        }
        guard let response = parse(received, complete: true) else {
            throw LauncherError("malformed HTTP response from \(host):\(port)")
        }
        return response
    }

    /// Parses a whole response; nil while more bytes are needed (unless `complete`).
    private static func parse(_ data: Data, complete: Bool = false) -> Response? {
        guard let end = data.range(of: Data("\r\n\r\n".utf8)) else { return nil }
        let head = String(decoding: data[..<end.lowerBound], as: UTF8.self).split(separator: "\r\n")
        guard let statusLine = head.first, statusLine.hasPrefix("HTTP/1."),
            let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        let body = data[end.upperBound...]
        let length = head.dropFirst().compactMap { line -> Int? in
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
            return Int(parts[1].trimmingCharacters(in: .whitespaces))
        }.first
        if let length {
            return body.count >= length ? Response(status: status, body: Data(body.prefix(length))) : nil
        }
        return complete ? Response(status: status, body: Data(body)) : nil
    }
}
