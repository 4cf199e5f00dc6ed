import Testing
@testable import ServiceKit

@Suite("Logger")
struct LoggerTests {
    @Test("levels below the threshold are dropped without evaluating message or metadata")
    func levelFiltering() {
        let logs = InMemoryLogHandler()
        let logger = Logger(handler: logs, level: .notice)
        var evaluated = false
        func expensive() -> Logger.Metadata {
            evaluated = true
            return [:]
        }
        logger.trace("t", metadata: expensive())
        logger.debug("d", metadata: expensive())
        logger.info("i", metadata: expensive())
        #expect(!evaluated)
        logger.notice("n")
        logger.warning("w")
        logger.error("e")
        logger.critical("c")
        #expect(logs.records.map(\.message) == ["n", "w", "e", "c"])
        #expect(logs.records.map(\.level) == [.notice, .warning, .error, .critical])
        #expect(logger.isEnabled(.error) && !logger.isEnabled(.info))
    }

    @Test("levels order from trace to critical")
    func ordering() {
        #expect(Logger.Level.allCases == Logger.Level.allCases.sorted())
        #expect(Logger.Level.allCases.map(\.rawValue) == ["trace", "debug", "info", "notice", "warning", "error", "critical"])
    }

    @Test("metadata: copies are independent and call-site fields win")
    func metadata() {
        let logs = InMemoryLogHandler()
        var base = Logger(handler: logs, level: .trace)
        base[.projectID] = "p1"
        var request = base
        request[.requestID] = "r1"
        request.info("one", metadata: [.projectID: "p2", .wireMethod: "m"])
        base.info("two")
        #expect(logs.records[0].metadata == [.projectID: "p2", .requestID: "r1", .wireMethod: "m"])
        #expect(logs.records[1].metadata == [.projectID: "p1"])
        #expect(request[.requestID] == "r1")
    }

    @Test("the disabled logger writes nothing")
    func disabled() {
        #expect(!Logger.disabled.isEnabled(.error))
    }
}
