import Testing

@testable import Wire

@Suite("RPC encoded responses")
struct RPCEncodedResponseTests {
    /// A method answered from a cache of already encoded bytes.
    static let cached = MethodDescriptor<EchoMessage, EchoMessage>("test.Cached", allowedCallers: .any)

    @Test func encodedResponseHoldsTheBinaryCoderBytes() throws {
        let message = EchoMessage(text: "cached", payload: [1, 2, 3])
        let encoded = try EncodedResponse(message)
        #expect(encoded.bytes == (try BinaryEncoder().encode(message)))
        #expect(try BinaryDecoder().decode(EchoMessage.self, from: encoded.bytes) == message)
    }

    @Test func aCachedEncodingIsDecodedByTheCallerEveryTime() async throws {
        let mesh = try RPCTestMesh()
        let group = try EventLoopGroup(loopCount: 1)
        let server = WireServer(host: "127.0.0.1", port: 0, tls: try mesh.server("echo"), group: group)
        let message = EchoMessage(text: "héllo from the cache", payload: (0..<300).map { UInt8($0 % 256) })
        let encoded = try EncodedResponse(message)
        server.register(encoded: Self.cached) { request, _ in
            guard request.text == "ask" else { throw WireError(.invalidArgument, "ask nicely") }
            return encoded
        }
        try server.start()
        let client = try RPCTestClient(mesh: mesh, ports: [server.port])
        for _ in 0..<3 {
            let reply = try await client.client.call(Self.cached, EchoMessage(text: "ask"), rpcContext())
            #expect(reply == message)
        }
        let error = await rpcWireError {
            _ = try await client.client.call(Self.cached, EchoMessage(text: "rude"), rpcContext())
        }
        #expect(error == WireError(.invalidArgument, "ask nicely"))
        await client.stop()
        await server.shutdownGracefully(timeout: .seconds(5))
        await group.shutdownGracefully()
    }
}
