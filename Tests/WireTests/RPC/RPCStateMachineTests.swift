import Testing

@testable import Wire

@Suite("RPC state machines (no sockets)")
struct RPCStateMachineTests {
    private static let ms: UInt64 = 1_000_000

    // MARK: LivenessMonitor

    @Test func livenessPingsAfterSilenceAndDeclaresDeath() {
        var monitor = LivenessMonitor(interval: .milliseconds(100), timeout: .milliseconds(50), now: 0)
        #expect(monitor.timerFired(at: 40 * Self.ms) == .wait(after: 60 * Self.ms))
        #expect(monitor.timerFired(at: 100 * Self.ms) == .sendPing(1, checkAfter: 50 * Self.ms))
        #expect(monitor.timerFired(at: 120 * Self.ms) == .wait(after: 30 * Self.ms))
        #expect(monitor.timerFired(at: 150 * Self.ms) == .peerDead)
    }

    @Test func livenessAnyTrafficAfterThePingKeepsThePeerAlive() {
        var monitor = LivenessMonitor(interval: .milliseconds(100), timeout: .milliseconds(50), now: 0)
        #expect(monitor.timerFired(at: 100 * Self.ms) == .sendPing(1, checkAfter: 50 * Self.ms))
        monitor.received(at: 110 * Self.ms)
        #expect(monitor.timerFired(at: 150 * Self.ms) == .wait(after: 60 * Self.ms))
        #expect(monitor.timerFired(at: 210 * Self.ms) == .sendPing(2, checkAfter: 50 * Self.ms))
    }

    @Test func livenessTrafficPostponesThePing() {
        var monitor = LivenessMonitor(interval: .milliseconds(100), timeout: .milliseconds(50), now: 0)
        monitor.received(at: 90 * Self.ms)
        #expect(monitor.timerFired(at: 100 * Self.ms) == .wait(after: 90 * Self.ms))
    }

    // MARK: ReconnectBackoff

    @Test func backoffDoublesUpToTheMaximumWithJitterBelow() {
        let backoff = ReconnectBackoff(initial: .milliseconds(100), maximum: .seconds(1), jitter: 0.2)
        #expect(backoff.delay(afterFailures: 0, random: 0.5) == 0)
        #expect(backoff.delay(afterFailures: 1, random: 0) == 100 * Self.ms)
        #expect(backoff.delay(afterFailures: 2, random: 0) == 200 * Self.ms)
        #expect(backoff.delay(afterFailures: 4, random: 0) == 800 * Self.ms)
        #expect(backoff.delay(afterFailures: 5, random: 0) == 1_000 * Self.ms)
        #expect(backoff.delay(afterFailures: 500, random: 0) == 1_000 * Self.ms)
        #expect(backoff.delay(afterFailures: 1, random: 1) == 80 * Self.ms)
        #expect(backoff.delay(afterFailures: 1, random: 0.5) == 90 * Self.ms)
    }

    @Test func backoffGatesAttemptsAndResets() {
        var backoff = ReconnectBackoff(initial: .milliseconds(100), maximum: .seconds(1), jitter: 0)
        #expect(backoff.mayAttempt(at: 0))
        backoff.attemptFailed(at: 1_000 * Self.ms, random: 0)
        #expect(!backoff.mayAttempt(at: 1_050 * Self.ms))
        #expect(backoff.mayAttempt(at: 1_100 * Self.ms))
        backoff.attemptFailed(at: 1_100 * Self.ms, random: 0)
        #expect(backoff.retryAt == 1_300 * Self.ms)
        backoff.connectionLost()
        #expect(backoff.mayAttempt(at: 1_101 * Self.ms))
        #expect(backoff.failures == 2)
        backoff.attemptSucceeded()
        #expect(backoff.failures == 0)
    }

    // MARK: EndpointSelector

    @Test func selectorPicksLeastOutstandingAvailable() {
        typealias C = EndpointSelector.Candidate
        #expect(EndpointSelector.pick([], start: 0) == nil)
        #expect(EndpointSelector.pick([C(outstanding: 5, isAvailable: true), C(outstanding: 2, isAvailable: true)], start: 0) == 1)
        #expect(EndpointSelector.pick([C(outstanding: 5, isAvailable: true), C(outstanding: 2, isAvailable: false)], start: 0) == 0)
        #expect(EndpointSelector.pick([C(outstanding: 0, isAvailable: false), C(outstanding: 0, isAvailable: false)], start: 3) == nil)
        let ties = [C(outstanding: 1, isAvailable: true), C(outstanding: 1, isAvailable: true), C(outstanding: 1, isAvailable: true)]
        #expect(Set((0..<3).compactMap { EndpointSelector.pick(ties, start: $0) }) == [0, 1, 2])
        #expect(EndpointSelector.pick(ties, start: -1) != nil)
    }

    // MARK: ServerConnectionState

    @Test func serverStateRequiresHelloFirst() {
        var state = ServerConnectionState(maxConcurrentCalls: 4)
        guard case .connectionError(let goAway) = state.requestReceived(callID: 1) else {
            Issue.record("a REQUEST before HELLO must be a connection error")
            return
        }
        #expect(goAway.code == .invalidArgument)
        #expect(state.phase == .closed)
    }

    @Test func serverStateNegotiatesTheHighestCommonVersion() {
        var state = ServerConnectionState(maxConcurrentCalls: 4, supportedVersions: [1, 2])
        #expect(state.helloReceived(Frame.Hello(versions: [3, 2, 1])) == .answer(version: 2))
        var other = ServerConnectionState(maxConcurrentCalls: 4)
        #expect(other.helloReceived(Frame.Hello(versions: [9])) ==
                .reject(Frame.GoAway(lastCallID: 0, code: .unimplemented, reason: "no common protocol version")))
    }

    @Test func serverStateEnforcesGrowingIDsAndTheLimit() {
        var state = ServerConnectionState(maxConcurrentCalls: 2)
        _ = state.helloReceived(Frame.Hello())
        #expect(state.requestReceived(callID: 1) == .accept)
        state.callStarted()
        #expect(state.requestReceived(callID: 2) == .accept)
        state.callStarted()
        #expect(state.requestReceived(callID: 3) == .refuse(.resourceExhausted, "too many concurrent calls on this connection"))
        #expect(state.callEnded() == false)
        #expect(state.requestReceived(callID: 4) == .accept)
        guard case .connectionError = state.requestReceived(callID: 4) else {
            Issue.record("a repeated call id must be a connection error")
            return
        }
    }

    @Test func serverStateDrainsThenCloses() {
        var state = ServerConnectionState(maxConcurrentCalls: 8)
        _ = state.helloReceived(Frame.Hello())
        #expect(state.requestReceived(callID: 3) == .accept)
        state.callStarted()
        #expect(state.drainRequested() == .sendGoAway(Frame.GoAway(lastCallID: 3, code: .ok, reason: "drain"), closeNow: false))
        #expect(state.drainRequested() == .none)
        #expect(state.requestReceived(callID: 4) == .refuse(.unavailable, "the server is draining"))
        #expect(state.callEnded() == true)
    }

    @Test func serverStateWithoutHelloJustCloses() {
        var state = ServerConnectionState(maxConcurrentCalls: 8)
        #expect(state.drainRequested() == .close)
    }

    // MARK: endpoints and selectors

    @Test func endpointParsing() {
        #expect(WireEndpoint("identity:7001") == WireEndpoint(host: "identity", port: 7001))
        #expect(WireEndpoint("[::1]:80") == WireEndpoint(host: "::1", port: 80))
        #expect(WireEndpoint("[::1]:80")?.description == "[::1]:80")
        #expect(WireEndpoint("nohost") == nil)
        #expect(WireEndpoint(":80") == nil)
        #expect(WireEndpoint("a:0") == nil)
        #expect(WireEndpoint("a:70000") == nil)
    }

    @Test func allowedCallers() {
        #expect(AllowedCallers.any.allows(nil))
        #expect(AllowedCallers.only(["router"]).allows("router"))
        #expect(!AllowedCallers.only(["router"]).allows("billing"))
        #expect(!AllowedCallers.only(["router"]).allows(nil))
    }
}
