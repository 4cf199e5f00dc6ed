import Synchronization
import Testing

@testable import Wire

/// A hand-driven Wire peer for protocol tests: records every frame it receives; as a server it can answer
/// HELLO and then go silent (a dead peer).
final class RPCRawPeer: ConnectionHandler, @unchecked Sendable {
    /// `answerHello`: reply to a client HELLO with version 1, then ignore everything (no PONG either).
    let answerHello: Bool
    private let frames = Mutex<[Frame]>([])
    private let closedFlag = Atomic<Bool>(false)
    // Loop-only:
    private var decoder = FrameDecoder()
    var connection: Connection?

    init(answerHello: Bool = false) {
        self.answerHello = answerHello
    }

    var received: [Frame] { self.frames.withLock { $0 } }
    var isClosed: Bool { self.closedFlag.load(ordering: .relaxed) }

    func connectionActive(_ connection: Connection) {
        self.connection = connection
    }

    func connection(_ connection: Connection, received bytes: UnsafeRawBufferPointer) {
        self.decoder.append(bytes)
        while let frame = try? self.decoder.next() {
            self.frames.withLock { $0.append(frame) }
            if self.answerHello, case .hello = frame {
                var encoder = FrameEncoder()
                try? encoder.appendHello(Frame.Hello())
                connection.write(encoder.bytes)
            }
        }
    }

    func connectionClosed(_ connection: Connection, error: (any Error)?) {
        self.closedFlag.store(true, ordering: .relaxed)
    }

    /// Polls until `condition` holds on the frames received (or the timeout passes).
    func wait(timeout: Duration = .seconds(10), _ condition: ([Frame]) -> Bool) async -> Bool {
        let end = ContinuousClock.now + timeout
        while ContinuousClock.now < end {
            if condition(self.received) { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return condition(self.received)
    }

    /// Connects to a Wire server as a raw client.
    static func connect(port: Int, group: EventLoopGroup, tls: TLSContext, serverName: String = "echo") async throws -> (RPCRawPeer, Connection) {
        let peer = RPCRawPeer()
        let connection = try await TCPConnector.connect(
            host: "127.0.0.1", port: port, on: group.loops[0], tls: tls, serverName: serverName) { _ in peer }
        return (peer, connection)
    }
}

extension Connection {
    /// Test helper: encodes frames and writes them from any thread.
    func rpcSend(_ build: @escaping @Sendable (inout FrameEncoder) throws -> Void) {
        self.eventLoop.execute {
            var encoder = FrameEncoder()
            try? build(&encoder)
            self.write(encoder.bytes)
        }
    }
}
