/// Which instance SmartSend gives a message that names none: among those that may send (connection `open`,
/// health not `BANNED`), the one with the most room left today; ties go to the one that sent least in the
/// last minute, then to the oldest.
enum InstanceChoice {
    /// What the choice looks at.
    struct Candidate: Sendable, Hashable {
        let id: String
        let connection: String
        let health: String
        let roomToday: Int
        let sentLastMinute: Int
        let createdOrder: Int
    }

    /// Whether `candidate` may send at all.
    static func canSend(_ candidate: Candidate) -> Bool {
        candidate.connection == "open" && candidate.health != "BANNED"
    }

    /// The chosen instance's id, or nil when none may send (the message stays queued).
    static func choose(_ candidates: [Candidate]) -> String? {
        candidates.filter(canSend).filter { $0.roomToday > 0 }.min { a, b in
            if a.roomToday != b.roomToday { return a.roomToday > b.roomToday }
            if a.sentLastMinute != b.sentLastMinute { return a.sentLastMinute < b.sentLastMinute }
            return a.createdOrder < b.createdOrder
        }?.id
    }
}
