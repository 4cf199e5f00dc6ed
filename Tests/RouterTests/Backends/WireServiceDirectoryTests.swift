import Foundation
#if canImport(Glibc)
import Glibc
#endif
import ServiceKit
import Testing
import Wire
@testable import Router

@Suite("WireServiceDirectory")
struct WireServiceDirectoryTests {
    private static let base = [
        "DATABASE_URL": "postgres://db/r", "PURRPURR_ADMIN_TOKEN": String(repeating: "t", count: 32),
        "API_KEY_PEPPER": String(repeating: "p", count: 32),
    ]

    @Test("no endpoints configured: no directory (the Router keeps the empty one)")
    func notConfigured() throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { Task { await group.shutdownGracefully() } }
        let config = try RouterConfig(environment: Self.base)
        #expect(try WireServiceDirectory(config: config, group: group) == nil)
    }

    @Test("a serving service is ok; a stopped one and an unreachable one are unavailable within the deadline")
    func pings() async throws {
        let mesh = try ReadyzMesh()
        let identity = try mesh.startServer("identity")
        let refusing = try RefusingPort()
        let config = try RouterConfig(environment: Self.base.merging(mesh.meshEnvironment) { $1 }.merging([
            "IDENTITY_WIRE_ENDPOINTS": "127.0.0.1:\(identity.port)", "BILLING_WIRE_ENDPOINTS": "127.0.0.1:\(refusing.port)",
        ]) { $1 })
        let directory = try #require(try WireServiceDirectory(config: config, group: mesh.group))
        let first = await directory.health()
        #expect(first.map(\.name) == ["identity", "billing"])
        #expect(first.map(\.status) == ["ok", "unavailable"])

        await identity.shutdownGracefully(timeout: .seconds(1))
        let start = ContinuousClock.now
        let after = await directory.health()
        #expect(ContinuousClock.now - start < .seconds(3))
        #expect(after.map(\.status) == ["unavailable", "unavailable"])
        directory.close()
        withExtendedLifetime(refusing) {}
        await mesh.shutdown()
    }

    @Test("a server whose certificate names another service is unavailable")
    func wrongServiceName() async throws {
        let mesh = try ReadyzMesh()
        let impostor = try mesh.startServer("billing")
        let config = try RouterConfig(environment: Self.base.merging(mesh.meshEnvironment) { $1 }.merging([
            "IDENTITY_WIRE_ENDPOINTS": "127.0.0.1:\(impostor.port)",
        ]) { $1 })
        let directory = try #require(try WireServiceDirectory(config: config, group: mesh.group))
        #expect(await directory.health().map(\.status) == ["unavailable"])
        directory.close()
        await impostor.shutdownGracefully(timeout: .seconds(1))
        await mesh.shutdown()
    }

    @Test("a server that does not answer within the ping deadline is unavailable")
    func deadline() async throws {
        let mesh = try ReadyzMesh()
        let identity = try mesh.startServer("identity")
        let config = try RouterConfig(environment: Self.base.merging(mesh.meshEnvironment) { $1 }.merging([
            "IDENTITY_WIRE_ENDPOINTS": "127.0.0.1:\(identity.port)",
        ]) { $1 })
        let built = try #require(try WireServiceDirectory(config: config, group: mesh.group))
        #expect(built.pingTimeout == .seconds(1))
        // A zero deadline has passed before the ping goes out.
        let directory = WireServiceDirectory(clients: built.clients, pingTimeout: .zero)
        #expect(await directory.health().map(\.status) == ["unavailable"])
        directory.close()
        await identity.shutdownGracefully(timeout: .seconds(1))
        await mesh.shutdown()
    }
}

/// A port that refuses connections while this value lives: a socket bound on 127.0.0.1 that never listens.
fileprivate final class RefusingPort {
    let port: Int
    private let fd: CInt

    init() throws {
        let fd = socket(AF_INET, CInt(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw WireError(.internal, "socket failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw WireError(.internal, "bind failed")
        }
        self.fd = fd
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit {
        close(fd)
    }
}
