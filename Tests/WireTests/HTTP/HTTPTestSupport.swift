import Foundation
import Synchronization
import Testing

@testable import Wire

// MARK: parser helpers

/// How a test feeds bytes to the parser.
enum HTTPTestFeed: CaseIterable {
    case whole
    case byteByByte
}

/// Everything a parser produced from one input: its events, and the error it stopped at (if any).
struct HTTPTestParse: Equatable {
    var events: [HTTPParser.Event] = []
    var error: HTTPParserError?

    var requests: [HTTPRequest] {
        events.compactMap { if case .request(let request) = $0 { request } else { nil } }
    }
}

/// Feeds `bytes` to a fresh parser (`finish()` at the end when `finish` is true) and collects the outcome.
func httpTestParse(
    _ bytes: [UInt8], limits: HTTPParser.Limits = HTTPParser.Limits(), feed: HTTPTestFeed, finish: Bool = true
) -> HTTPTestParse {
    var parser = HTTPParser(limits: limits)
    var outcome = HTTPTestParse()
    func drain() -> Bool {
        do {
            while let event = try parser.next() { outcome.events.append(event) }
            return true
        } catch {
            outcome.error = error
            return false
        }
    }
    switch feed {
    case .whole:
        parser.append(contentsOf: bytes)
        guard drain() else { return outcome }
    case .byteByByte:
        for byte in bytes {
            parser.append(contentsOf: [byte])
            guard drain() else { return outcome }
        }
    }
    if finish {
        do { try parser.finish() } catch { outcome.error = error }
    }
    return outcome
}

/// Parses `text` whole and byte by byte, expects both to agree, and returns the outcome.
func httpTestParseBothWays(
    _ bytes: [UInt8], limits: HTTPParser.Limits = HTTPParser.Limits(), finish: Bool = true,
    sourceLocation: SourceLocation = #_sourceLocation
) -> HTTPTestParse {
    let whole = httpTestParse(bytes, limits: limits, feed: .whole, finish: finish)
    let split = httpTestParse(bytes, limits: limits, feed: .byteByByte, finish: finish)
    #expect(whole == split, "whole and byte-by-byte feeding disagree", sourceLocation: sourceLocation)
    return whole
}

/// The bytes of `text` (tests write CRLF explicitly).
func httpBytes(_ text: String) -> [UInt8] { Array(text.utf8) }

// MARK: server helpers

/// A responder built from closures: `immediate` (fast path, optional), then `handler`.
struct HTTPTestResponder: HTTPResponder {
    let immediate: (@Sendable (HTTPRequest, HTTPRequestContext) -> HTTPResponse?)?
    let handler: @Sendable (HTTPRequest, HTTPRequestContext) async -> HTTPResponse

    init(
        immediate: (@Sendable (HTTPRequest, HTTPRequestContext) -> HTTPResponse?)? = nil,
        handler: @escaping @Sendable (HTTPRequest, HTTPRequestContext) async -> HTTPResponse
    ) {
        self.immediate = immediate
        self.handler = handler
    }

    func respondImmediately(to request: HTTPRequest, context: HTTPRequestContext) -> HTTPResponse? {
        self.immediate?(request, context)
    }

    func respond(to request: HTTPRequest, context: HTTPRequestContext) async -> HTTPResponse {
        await self.handler(request, context)
    }

    /// Answers `METHOD target` and echoes the body.
    static let echo = HTTPTestResponder { request, _ in
        var response = HTTPResponse(status: .ok, body: request.body)
        response.headers.add(name: "X-Echo", value: "\(request.method) \(request.target)")
        return response
    }
}

/// A parsed response as the test client saw it.
struct HTTPTestResponse {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// A raw HTTP client over `TCPConnector` (plain or TLS): writes bytes as given, reads responses.
final class HTTPTestClient: ConnectionHandler, @unchecked Sendable {
    private struct State {
        var received: [UInt8] = []
        var closed = false
    }

    private let state = Mutex(State())
    private let connectionBox = Mutex<Connection?>(nil)
    /// Written from `connectionActive`, on the loop thread, so the first request never waits for Swift's
    /// cooperative pool — which other (CPU-heavy) tests running in parallel may keep busy for seconds.
    private let bytesOnConnect: [UInt8]

    private init(bytesOnConnect: [UInt8]) {
        self.bytesOnConnect = bytesOnConnect
    }

    /// Connects; `sendingOnConnect` goes out the moment the connection is up (use it in timing-sensitive tests).
    static func connect(
        port: Int, loop: EventLoop, tls: TLSContext? = nil, serverName: String? = nil, sendingOnConnect: String = ""
    ) async throws -> HTTPTestClient {
        let client = HTTPTestClient(bytesOnConnect: Array(sendingOnConnect.utf8))
        let connection = try await TCPConnector.connect(
            host: "127.0.0.1", port: port, on: loop, tls: tls, serverName: serverName
        ) { _ in client }
        client.connectionBox.withLock { $0 = connection }
        return client
    }

    func connectionActive(_ connection: Connection) {
        if !bytesOnConnect.isEmpty { connection.write(bytesOnConnect) }
    }

    func connection(_ connection: Connection, received bytes: UnsafeRawBufferPointer) {
        state.withLock { $0.received.append(contentsOf: bytes) }
    }

    func connectionInputClosed(_ connection: Connection) {
        state.withLock { $0.closed = true }
        connection.close()
    }

    func connectionClosed(_ connection: Connection, error: (any Error)?) {
        state.withLock { $0.closed = true }
    }

    /// Sends `bytes` (from any thread).
    func send(_ bytes: [UInt8]) {
        guard let connection = connectionBox.withLock({ $0 }) else { return }
        connection.eventLoop.execute { connection.write(bytes) }
    }

    func send(_ text: String) { send(Array(text.utf8)) }

    /// Closes the client's side.
    func close() {
        guard let connection = connectionBox.withLock({ $0 }) else { return }
        connection.eventLoop.execute { connection.close() }
    }

    /// Whether the server closed the connection (waits up to `timeout`).
    func waitForClose(timeout: Duration = .seconds(5)) async -> Bool {
        await poll(timeout: timeout) { state.withLock { $0.closed } }
    }

    /// Bytes received and not consumed by `readResponse`.
    var unread: [UInt8] { state.withLock { $0.received } }

    /// Waits for one whole response and consumes it. `headRequest`: the response has no body.
    func readResponse(headRequest: Bool = false, timeout: Duration = .seconds(5)) async throws -> HTTPTestResponse {
        var parsed: HTTPTestResponse?
        let found = await poll(timeout: timeout) {
            state.withLock { state in
                guard let (response, used) = Self.parseResponse(state.received, headRequest: headRequest) else {
                    return state.closed
                }
                parsed = response
                state.received.removeFirst(used)
                return true
            }
        }
        guard found, let parsed else { throw HTTPTestClientError.noResponse(unread: unread.count) }
        return parsed
    }

    private func poll(timeout: Duration, _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(2))
        }
        return true
    }

    /// One response from the front of `bytes`, and the bytes it used; nil if incomplete.
    static func parseResponse(_ bytes: [UInt8], headRequest: Bool) -> (HTTPTestResponse, Int)? {
        let terminator: [UInt8] = [13, 10, 13, 10]
        guard bytes.count >= 4,
            let end = (0...(bytes.count - 4)).first(where: { bytes[$0..<$0 + 4].elementsEqual(terminator) })
        else { return nil }
        let head = String(decoding: bytes[..<end], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
        var headers = HTTPHeaders()
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.add(
                name: String(line[..<colon]),
                value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        if !headRequest, status >= 200, headers["transfer-encoding"]?.lowercased() == "chunked" {
            guard let (body, used) = Self.parseChunks(bytes[(end + 4)...]) else { return nil }
            return (HTTPTestResponse(status: status, headers: headers, body: body), end + 4 + used)
        }
        let length = (headRequest || status < 200) ? 0 : Int(headers["content-length"] ?? "0") ?? 0
        guard bytes.count >= end + 4 + length else { return nil }
        let body = Array(bytes[(end + 4)..<(end + 4 + length)])
        return (HTTPTestResponse(status: status, headers: headers, body: body), end + 4 + length)
    }
}

extension HTTPTestClient {
    /// A chunked body (no trailers) from the front of `bytes`, and the bytes it used; nil if incomplete.
    static func parseChunks(_ bytes: ArraySlice<UInt8>) -> ([UInt8], Int)? {
        var body: [UInt8] = []
        var index = bytes.startIndex
        while true {
            guard let lineEnd = (index..<bytes.endIndex).first(where: { $0 + 1 < bytes.endIndex && bytes[$0] == 13 && bytes[$0 + 1] == 10 }),
                let size = Int(String(decoding: bytes[index..<lineEnd], as: UTF8.self), radix: 16)
            else { return nil }
            let dataStart = lineEnd + 2
            guard bytes.endIndex >= dataStart + size + 2 else { return nil }
            if size == 0 { return (body, dataStart + 2 - bytes.startIndex) }
            body += bytes[dataStart..<(dataStart + size)]
            index = dataStart + size + 2
        }
    }
}

enum HTTPTestClientError: Error {
    case noResponse(unread: Int)
}

/// Starts a server on a fresh one-loop group, runs `body`, shuts both down.
func withHTTPTestServer<T: Sendable>(
    configuration: HTTPServer.Configuration = HTTPServer.Configuration(),
    tls: TLSContext? = nil,
    responder: some HTTPResponder = HTTPTestResponder.echo,
    _ body: (HTTPServer, EventLoop) async throws -> T
) async throws -> T {
    let group = try EventLoopGroup(loopCount: 1)
    let server = try HTTPServer(
        host: "127.0.0.1", port: 0, group: group, tls: tls, configuration: configuration, responder: responder)
    do {
        let result = try await body(server, group.loops[0])
        await server.shutdown(timeout: .seconds(2))
        await group.shutdownGracefully()
        return result
    } catch {
        await server.shutdown(timeout: .seconds(2))
        await group.shutdownGracefully()
        throw error
    }
}
