import Contracts
import Foundation
import ServiceKit
import Wire

/// BillingService's configuration: the shared mesh variables plus `BILLING_TEST_CLOCK` (`1` enables
/// `billing.AdvanceClock`; `purrpurr up` sets it, production manifests never do) and
/// `COMMS_WIRE_ENDPOINTS` (where alert emails and events go; without it alerts wait in the outbox).
struct BillingServiceConfig: MeshServiceConfiguration {
    /// The shared part.
    let base: MeshServiceConfig
    /// `BILLING_TEST_CLOCK=1`.
    let testClock: Bool
    /// `COMMS_WIRE_ENDPOINTS`.
    let commsEndpoints: [WireEndpoint]
    /// `BILLING_CYCLE_INTERVAL_SECONDS`: how often a replica looks for due work (default 5).
    let cycleInterval: Duration
    /// `BILLING_TEST_CYCLE_PAUSE_MS`: with the test clock only, a renewal sleeps this long between its charge and
    /// its commit (a window for the kill -9 test); 0 otherwise.
    let cyclePause: Duration

    /// Reads and validates every variable.
    init(environment: [String: String]) throws {
        var reader = EnvironmentReader(environment)
        let base = MeshServiceConfig(.billing, reading: &reader)
        let clock = reader.raw("BILLING_TEST_CLOCK") ?? "0"
        if clock != "0" && clock != "1" { reader.record("BILLING_TEST_CLOCK", .malformed, expected: "0 or 1") }
        var endpoints: [WireEndpoint] = []
        if let value = reader.raw(MeshService.comms.endpointsVariable) {
            let parsed = value.split(separator: ",", omittingEmptySubsequences: false).map {
                WireEndpoint(String($0.trimmingCharacters(in: .whitespaces)))
            }
            if parsed.contains(where: { $0 == nil }) {
                reader.record(MeshService.comms.endpointsVariable, .malformed, expected: "comma-separated host:port endpoints")
            }
            endpoints = parsed.compactMap { $0 }
        }
        let interval = reader.integer("BILLING_CYCLE_INTERVAL_SECONDS", default: 5, range: 1...3600)
        let pause = reader.integer("BILLING_TEST_CYCLE_PAUSE_MS", default: 0, range: 0...60_000)
        try reader.finish()
        self.cyclePause = clock == "1" ? .milliseconds(pause) : .zero
        self.base = base!
        self.testClock = clock == "1"
        self.commsEndpoints = endpoints
        self.cycleInterval = .seconds(interval)
    }
}
