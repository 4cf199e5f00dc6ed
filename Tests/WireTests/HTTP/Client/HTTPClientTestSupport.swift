import Synchronization

@testable import Wire

/// A raw TCP server on 127.0.0.1 (a Wire listener) whose connections answer as `script` says: the n-th
/// request on a connection (1-based, counted by blank lines ending a head) gets `script(n)` — bytes to
/// write (then maybe close), `.close` without a word, or `.stall`: never answer. Counts connections and closes.
final class ScriptedHTTPServer: @unchecked Sendable {
    /// What the server does with the n-th request of a connection.
    enum Answer: Sendable {
        case bytes(String)
        case bytesThenClose(String)
        case close
        case stall
    }

    let group: EventLoopGroup
    let listener: TCPListener
    private let counts = Mutex((accepted: 0, closed: 0))

    init(_ script: @escaping @Sendable (Int) -> Answer) throws {
        group = try EventLoopGroup(loopCount: 1)
        let box = Mutex<ScriptedHTTPServer?>(nil)
        listener = try TCPListener(host: "127.0.0.1", port: 0, group: group) { _ in
            box.withLock { $0 }!.counts.withLock { $0.accepted += 1 }
            return ScriptedHandler(script: script) { box.withLock { $0 }!.counts.withLock { $0.closed += 1 } }
        }
        box.withLock { $0 = self }
    }

    var port: Int { listener.port }
    var accepted: Int { counts.withLock { $0.accepted } }
    var closed: Int { counts.withLock { $0.closed } }

    /// Waits until `condition` holds (polling; the bound only stops a broken test).
    func wait(until condition: () -> Bool) async -> Bool {
        for _ in 0..<5000 where !condition() { try? await Task.sleep(for: .milliseconds(2)) }
        return condition()
    }

    func stop() async {
        listener.close()
        await group.shutdownGracefully()
    }
}

private final class ScriptedHandler: ConnectionHandler {
    let script: @Sendable (Int) -> ScriptedHTTPServer.Answer
    let onClose: () -> Void
    var received: [UInt8] = []
    var requests = 0

    init(script: @escaping @Sendable (Int) -> ScriptedHTTPServer.Answer, onClose: @escaping () -> Void) {
        self.script = script
        self.onClose = onClose
    }

    func connection(_ connection: Connection, received bytes: UnsafeRawBufferPointer) {
        received.append(contentsOf: bytes)
        while let end = received.indices.dropFirst(3).first(where: { received[$0 - 3..<$0 + 1].elementsEqual("\r\n\r\n".utf8) }) {
            received.removeFirst(end + 1)
            requests += 1
            switch script(requests) {
            case .bytes(let text): connection.write(Array(text.utf8))
            case .bytesThenClose(let text):
                connection.write(Array(text.utf8))
                connection.close()
            case .close: connection.abort()
            case .stall: break
            }
        }
    }

    func connectionClosed(_ connection: Connection, error: (any Error)?) { onClose() }
}

/// A client for tests on a fresh one-loop group; shut down after `body`.
func withHTTPTestClient<T>(
    _ configuration: HTTPClient.Configuration = HTTPClient.Configuration(), _ body: (HTTPClient) async throws -> T
) async throws -> T {
    let group = try EventLoopGroup(loopCount: 1)
    let client = try HTTPClient(group: group, configuration: configuration)
    defer { client.shutdown() }
    let result = try await body(client)
    client.shutdown()
    await group.shutdownGracefully()
    return result
}
