import Testing
@testable import CommsService

/// The webhook outbox's window: caps in all and per endpoint, and the half-drained wake-ups that make claims
/// come in chunks.
@Suite("Webhook window")
struct WebhookWindowTests {
    @Test("an endpoint takes at most its cap; the window at most its capacity")
    func caps() {
        let window = WebhookWindow(capacity: 5, perEndpoint: 3)
        #expect((0..<3).allSatisfy { _ in window.enter("we_a") })
        #expect(!window.enter("we_a"))
        #expect(window.endpointRoom == ["we_a": 0])
        #expect(window.enter("we_b"))
        #expect(window.endpointRoom == ["we_a": 0, "we_b": 2])
        #expect(window.enter("we_c"))
        #expect(window.room == 0)
        #expect(!window.enter("we_d"))
    }

    @Test("an endpoint that took all its room waits until half drained, and leave says so once")
    func halfDrained() {
        let window = WebhookWindow(capacity: 100, perEndpoint: 4)
        for _ in 0..<4 { #expect(window.enter("we_a")) }
        #expect(window.claimed(["we_a": 4], offered: [:]) == .waitForDrain)  // more may be due
        #expect(window.leave("we_a") == false)  // 3 left: still waiting
        #expect(window.endpointRoom["we_a"] == 0)
        #expect(window.leave("we_a") == true)  // 2 left: claimable
        #expect(window.endpointRoom["we_a"] == 2)
        #expect(window.leave("we_a") == false)
        #expect(window.leave("we_a") == false)
        #expect(window.endpointRoom.isEmpty)
        #expect(window.inFlight("we_a") == 0)
    }

    @Test("an endpoint that took less than its room is not waited for; one already half drained is claimed again")
    func claimAgain() {
        let window = WebhookWindow(capacity: 100, perEndpoint: 4)
        #expect(window.enter("we_a"))
        #expect(window.claimed(["we_a": 1], offered: [:]) == .nothingMoreDue)
        #expect(window.endpointRoom["we_a"] == 3)
        #expect(window.leave("we_a") == false)
        // Offered 4, took 4, but 3 already finished while the claim ran: claim again now.
        #expect(window.enter("we_b"))
        #expect(window.claimed(["we_b": 4], offered: ["we_b": 4]) == .claimAgain)
        #expect(window.endpointRoom["we_b"] == 3)
    }

    @Test("a full window claims nothing until half drained")
    func fullWindow() {
        let window = WebhookWindow(capacity: 4, perEndpoint: 4)
        for index in 0..<4 { #expect(window.enter("we_\(index)")) }
        #expect(window.room == 0)
        #expect(window.leave("we_0") == false)
        #expect(window.room == 0)
        #expect(window.leave("we_1") == true)
        #expect(window.room == 2)
    }

    @Test("the per-endpoint cap never exceeds the window")
    func clamped() {
        #expect(WebhookWindow(capacity: 2, perEndpoint: 8).perEndpoint == 2)
    }
}
