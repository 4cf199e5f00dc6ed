import Testing
@testable import Purrpurr

/// The mesh's ports: below the ephemeral range (no outgoing connection is given one before its listener binds),
/// free when chosen, and never the same twice in one process.
@Suite("LocalPorts")
struct LocalPortsTests {
    @Test("free ports are distinct, bindable, and outside the kernel's ephemeral range")
    func distinctAndOutsideTheEphemeralRange() throws {
        var seen = Set<Int>()
        for _ in 0..<50 {
            let port = try LocalPorts.free()
            #expect(LocalPorts.range.contains(port))
            #expect(seen.insert(port).inserted)
            #expect(LocalPorts.isFree(port))
        }
    }
}
