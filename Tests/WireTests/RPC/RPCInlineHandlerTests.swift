import Synchronization
import Testing

@testable import Wire

/// Handlers answered on the loop with no task: `register(_:immediate:)` and `register(encoded:cached:handler:)`.
@Suite("RPC inline handlers")
struct RPCInlineHandlerTests {
    static let immediate = MethodDescriptor<EchoMessage, EchoMessage>("test.Immediate", allowedCallers: .any)
    static let cached = MethodDescriptor<EchoMessage, EchoMessage>("test.CachedFirst", allowedCallers: .any)

    struct Refusal: Error {}

    @Test func anImmediateHandlerAnswersItsValueOrItsError() async throws {
        let mesh = try RPCTestMesh()
        let group = try EventLoopGroup(loopCount: 1)
        let server = WireServer(host: "127.0.0.1", port: 0, tls: try mesh.server("echo"), group: group)
        server.register(Self.immediate, immediate: { request, context in
            #expect(group.loops[0].inEventLoop)
            switch request.text {
            case "wire": throw WireError(.notFound, "no such thing")
            case "other": throw Refusal()
            default: return EchoMessage(text: "\(request.text) from \(context.requestID)", payload: request.payload)
            }
        })
        try server.start()
        let client = try RPCTestClient(mesh: mesh, ports: [server.port])
        // Many at once on one connection: each gets its own answer.
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for index in 0..<50 {
                tasks.addTask {
                    let reply = try await client.client.call(Self.immediate, EchoMessage(text: "n\(index)", payload: [UInt8(index)]), rpcContext())
                    #expect(reply == EchoMessage(text: "n\(index) from \(rpcContext().requestID)", payload: [UInt8(index)]))
                }
            }
            try await tasks.waitForAll()
        }
        let notFound = await rpcWireError { _ = try await client.client.call(Self.immediate, EchoMessage(text: "wire"), rpcContext()) }
        #expect(notFound == WireError(.notFound, "no such thing"))
        let internalError = await rpcWireError { _ = try await client.client.call(Self.immediate, EchoMessage(text: "other"), rpcContext()) }
        #expect(internalError?.code == .internal)
        await client.stop()
        await server.shutdownGracefully(timeout: .seconds(5))
        await group.shutdownGracefully()
    }

    @Test func answersFlushedEarlyInARead() async throws {
        let mesh = try RPCTestMesh()
        let group = try EventLoopGroup(loopCount: 1)
        var configuration = WireServer.Configuration()
        configuration.eagerFlushBytes = 1  // every answer is sent as soon as it is written
        let server = WireServer(host: "127.0.0.1", port: 0, tls: try mesh.server("echo"), group: group,
                                configuration: configuration)
        server.register(Self.immediate, immediate: { request, _ in request })
        EchoContract.register(on: server)
        try server.start()
        let client = try RPCTestClient(mesh: mesh, ports: [server.port])
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for index in 0..<300 {
                tasks.addTask {
                    let message = EchoMessage(text: "m\(index)", payload: [UInt8](repeating: UInt8(index % 256), count: index))
                    let method = index % 2 == 0 ? Self.immediate : EchoContract.echo
                    let reply = try await client.client.call(method, message, rpcContext())
                    #expect(reply == message)
                }
            }
            try await tasks.waitForAll()
        }
        await client.stop()
        await server.shutdownGracefully(timeout: .seconds(5))
        await group.shutdownGracefully()
    }

    @Test func aCacheHitAnswersInlineAndAMissRunsTheHandler() async throws {
        let mesh = try RPCTestMesh()
        let group = try EventLoopGroup(loopCount: 1)
        let server = WireServer(host: "127.0.0.1", port: 0, tls: try mesh.server("echo"), group: group)
        let hit = try EncodedResponse(EchoMessage(text: "from the cache"))
        let handled = Atomic<Int>(0)
        server.register(encoded: Self.cached, cached: { request, _ in request.text == "hit" ? hit : nil }) { request, _ in
            handled.add(1, ordering: .relaxed)
            try await Task.sleep(for: .milliseconds(1))
            return try EncodedResponse(EchoMessage(text: "handled \(request.text)"))
        }
        try server.start()
        let client = try RPCTestClient(mesh: mesh, ports: [server.port])
        #expect(try await client.client.call(Self.cached, EchoMessage(text: "hit"), rpcContext()) == EchoMessage(text: "from the cache"))
        #expect(handled.load(ordering: .relaxed) == 0)
        #expect(try await client.client.call(Self.cached, EchoMessage(text: "miss"), rpcContext()) == EchoMessage(text: "handled miss"))
        #expect(handled.load(ordering: .relaxed) == 1)
        await client.stop()
        await server.shutdownGracefully(timeout: .seconds(5))
        await group.shutdownGracefully()
    }
}
