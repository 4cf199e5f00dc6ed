import Contracts
import Testing

@Suite("MeshService registry")
struct MeshServiceTests {
    @Test("names, ports, databases, certificates and executables are unique and well formed")
    func unique() {
        let services = MeshService.allCases
        #expect(Set(services.map(\.name)).count == services.count)
        #expect(Set(services.map(\.defaultWirePort)).count == services.count)
        #expect(Set(services.map(\.databaseName)).count == services.count)
        #expect(!services.map(\.databaseName).contains(MeshService.routerDatabaseName))
        #expect(Set(MeshService.certificateNames).count == services.count + 1)
        for service in services {
            #expect(service.name.allSatisfy { $0.isLowercase })
            #expect((1024...65535).contains(service.defaultWirePort))
            #expect(service.executable == service.name + "-service")
            #expect(service.endpointsVariable == service.name.uppercased() + "_WIRE_ENDPOINTS")
            #expect(MeshService(name: service.name) == service)
        }
        #expect(MeshService(name: "router") == nil)
    }

    @Test("start order: a service starts after every service it calls (identity mails through comms)")
    func order() {
        let all = MeshService.allCases
        for service in all {
            for callee in service.callsAtStart {
                #expect(service.calls.contains(callee), "\(service) calls \(callee) at start")
                #expect(all.firstIndex(of: callee)! < all.firstIndex(of: service)!, "\(service) calls \(callee)")
            }
        }
        #expect(MeshService.identity.calls == [.comms])
        #expect(MeshService.comms.calls == [.billing] && MeshService.billing.calls == [.comms])
    }
}
