import Testing
@testable import CommsService

@Suite("SendSlots")
struct SendSlotsTests {
    @Test("caps per project and per relay; a project at its cap is busy until a slot is given back")
    func caps() {
        let slots = SendSlots(perProject: 1, perRelay: 2)
        #expect(slots.enter(project: "prj_a"))
        #expect(!slots.enter(project: "prj_a"))
        #expect(slots.enter(project: "prj_b"))
        #expect(slots.busyProjects == ["prj_a", "prj_b"])
        slots.leave(project: "prj_a")
        #expect(slots.busyProjects == ["prj_b"])
        #expect(slots.enter(relay: "smtp.example.com:587") && slots.enter(relay: "smtp.example.com:587"))
        #expect(!slots.enter(relay: "smtp.example.com:587"))
        #expect(slots.enter(relay: "smtp.example.com:465"))
        slots.leave(relay: "smtp.example.com:587")
        #expect(slots.enter(relay: "smtp.example.com:587"))
    }
}
