import Foundation
import Testing
@testable import CommsService
@testable import PurrpurrTestSupport

@Suite("DNS resolver against a real server on loopback (python3-dnslib)")
struct DNSResolverTests {
    static func resolver(_ server: DNSTestServer, timeout: Duration = .seconds(5)) -> DNSResolver {
        DNSResolver(server: DNSServerAddress(parsing: server.address)!, timeout: timeout)
    }

    @Test("TXT values (long ones joined from their strings), CNAME targets, NXDOMAIN as no records")
    func lookups() async throws {
        let long = "v=DKIM1; k=rsa; p=" + String(repeating: "A", count: 380)
        let dns = try await DNSTestServer.start([
            "example.test": ["TXT": ["v=spf1 include:_spf.purrpurr.test ~all", long]],
            "alias.example.test": ["CNAME": "target.example.test"],
        ])
        let resolver = Self.resolver(dns)
        #expect(try await resolver.txt("Example.Test").sorted() == [long, "v=spf1 include:_spf.purrpurr.test ~all"].sorted())
        #expect(try await resolver.cname("alias.example.test") == ["target.example.test"])
        #expect(try await resolver.txt("missing.example.test") == [])
    }

    @Test("an answer too big for UDP comes truncated and is asked again over TCP")
    func tcpFallback() async throws {
        let values = (0..<8).map { "record-\($0)-" + String(repeating: "x", count: 100) }
        let dns = try await DNSTestServer.start(["big.example.test": ["TXT": values]])
        #expect(try await Self.resolver(dns).txt("big.example.test").sorted() == values)
    }

    @Test("SERVFAIL is an error, and a server that never answers times out")
    func failures() async throws {
        let dns = try await DNSTestServer.start(["broken.example.test": ["RCODE": "SERVFAIL"]])
        await #expect(throws: DNSError.serverFailure(rcode: 2)) { try await Self.resolver(dns).txt("broken.example.test") }

        let silent = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(silent) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(silent, pointer, length) == 0 ? getsockname(silent, pointer, &length) : -1
            }
        }
        let quiet = DNSResolver(
            server: DNSServerAddress(parsing: "127.0.0.1:\(UInt16(bigEndian: address.sin_port))")!, timeout: .milliseconds(200))
        await #expect(throws: DNSError.timeout) { try await quiet.txt("example.test") }
    }
}
