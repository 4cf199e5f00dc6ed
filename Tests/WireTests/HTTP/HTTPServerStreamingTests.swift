import Glibc
import Synchronization
import Testing

@testable import Wire

@Suite("HTTP server: streamed bodies")
struct HTTPServerStreamingTests {
    /// How many pieces a producer handed out.
    final class Counter: Sendable {
        let value = Mutex(0)
    }

    /// A responder that streams `pieces` for `/stream` (throwing after them when `failing`) and echoes the path
    /// otherwise; `made` counts the pieces handed out.
    static func streaming(_ pieces: [[UInt8]], failing: Bool = false, made: Counter? = nil) -> HTTPTestResponder {
        HTTPTestResponder { request, _ in
            guard request.path == "/stream" else { return HTTPResponse(status: .ok, body: Array(request.path.utf8)) }
            let next = Mutex(0)
            var response = HTTPResponse(status: .ok, headers: ["Content-Type": "application/x-ndjson"])
            response.bodyStream = HTTPBodyStream {
                let index = next.withLock { index in
                    defer { index += 1 }
                    return index
                }
                if index < pieces.count {
                    made?.value.withLock { $0 += 1 }
                    return pieces[index]
                }
                if failing { throw CancellationError() }
                return nil
            }
            return response
        }
    }

    @Test("a streamed body goes chunked, empty pieces skipped, and pipelined responses follow it in order")
    func chunkedInOrder() async throws {
        let responder = Self.streaming([Array("a".utf8), [], Array("bcd".utf8), Array("e\n".utf8)])
        try await withHTTPTestServer(responder: responder) { server, loop in
            let client = try await HTTPTestClient.connect(port: server.port, loop: loop)
            client.send("GET /stream HTTP/1.1\r\nHost: a\r\n\r\nGET /after HTTP/1.1\r\nHost: a\r\n\r\n")
            let streamed = try await client.readResponse()
            #expect(streamed.status == 200 && streamed.text == "abcde\n")
            #expect(streamed.headers["transfer-encoding"] == "chunked" && streamed.headers["content-length"] == nil)
            #expect(try await client.readResponse().text == "/after")
            // HEAD: the same head, no body.
            client.send("HEAD /stream HTTP/1.1\r\nHost: a\r\n\r\nGET /last HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await client.readResponse(headRequest: true).headers["transfer-encoding"] == "chunked")
            #expect(try await client.readResponse().text == "/last")
            #expect(!(await client.waitForClose(timeout: .milliseconds(50))))
        }
    }

    @Test("a producer that fails midway cuts the connection: no last chunk, nothing that looks whole")
    func failureCuts() async throws {
        let responder = Self.streaming([Array("partial".utf8)], failing: true)
        try await withHTTPTestServer(responder: responder) { server, loop in
            let client = try await HTTPTestClient.connect(port: server.port, loop: loop)
            client.send("GET /stream HTTP/1.1\r\nHost: a\r\n\r\nGET /after HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(await client.waitForClose())
            let text = String(decoding: client.unread, as: UTF8.self)
            #expect(text.contains("partial") && !text.hasSuffix("0\r\n\r\n") && !text.contains("/after"))
        }
    }

    @Test("to HTTP/1.0 the body goes unframed and the close ends it")
    func http10() async throws {
        let responder = Self.streaming([Array("one ".utf8), Array("two".utf8)])
        try await withHTTPTestServer(responder: responder) { server, loop in
            let client = try await HTTPTestClient.connect(port: server.port, loop: loop)
            client.send("GET /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(await client.waitForClose())
            let text = String(decoding: client.unread, as: UTF8.self)
            #expect(text.hasSuffix("\r\n\r\none two") && text.contains("Connection: close\r\n"))
            #expect(!text.lowercased().contains("transfer-encoding") && !text.lowercased().contains("content-length"))
        }
    }

    @Test("a client that does not read holds the producer back; once it reads, every byte arrives")
    func backPressure() async throws {
        let piece = [UInt8](repeating: UInt8(ascii: "x"), count: 256 << 10)
        let count = 400  // 100 MiB
        let made = Counter()
        let responder = Self.streaming(Array(repeating: piece, count: count), made: made)
        try await withHTTPTestServer(responder: responder) { server, _ in
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            #expect(fd >= 0)
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(server.port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            #expect(connected == 0)
            let request = Array("GET /stream HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
            #expect(request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) } == request.count)
            try await Task.sleep(for: .milliseconds(500))
            // Only what fits in the socket buffers and the connection's high-water mark was made.
            let early = made.value.withLock { $0 }
            #expect(early > 0 && early < count / 4, "\(early) pieces made before the client read anything")
            var received = 0
            var tail: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                guard n > 0 else { break }
                received += n
                tail = Array((tail + buffer[..<n]).suffix(5))
                if tail == Array("0\r\n\r\n".utf8) { break }
            }
            #expect(made.value.withLock { $0 } == count)
            #expect(received > count * piece.count && tail == Array("0\r\n\r\n".utf8))
        }
    }
}
