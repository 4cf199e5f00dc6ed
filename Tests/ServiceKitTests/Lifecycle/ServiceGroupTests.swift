import Synchronization
import Testing
@testable import ServiceKit

/// Records what the services under test did, in order.
fileprivate final class Journal: Sendable {
    private let entries = Mutex<[String]>([])
    func add(_ entry: String) { entries.withLock { $0.append(entry) } }
    var all: [String] { entries.withLock { $0 } }

    /// Waits until `entry` was recorded (or fails after 5 s).
    func waitFor(_ entry: String) async throws {
        for _ in 0..<500 {
            if all.contains(entry) { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("timed out waiting for \(entry); journal: \(all)")
    }
}

/// Runs until asked to shut down, then takes `drain` to finish; can ignore shutdown entirely.
fileprivate struct DrainingService: Service {
    let name: String
    let journal: Journal
    var drain: Duration = .zero
    var ignoresShutdown = false

    func run() async throws {
        journal.add("\(name) started")
        do {
            if ignoresShutdown {
                try await Task.sleep(for: .seconds(3600))
            } else {
                try await gracefulShutdown()
                journal.add("\(name) draining")
                try await Task.sleep(for: drain)
            }
            journal.add("\(name) stopped")
        } catch {
            journal.add("\(name) cancelled")
            throw error
        }
    }
}

fileprivate struct FailingService: Service {
    struct Boom: Error {}
    let journal: Journal
    func run() async throws {
        try await journal.waitFor("a started")
        throw Boom()
    }
}

fileprivate struct QuittingService: Service {
    func run() async throws {}
}

@Suite("ServiceGroup")
struct ServiceGroupTests {
    private func makeGroup(_ services: [any Service], drainTimeout: Duration? = .seconds(10), logs: InMemoryLogHandler = InMemoryLogHandler())
        -> (ServiceGroup, AsyncStream<UnixSignal>.Continuation)
    {
        let (signals, continuation) = AsyncStream.makeStream(of: UnixSignal.self)
        let group = ServiceGroup(services: services, signals: signals, drainTimeout: drainTimeout,
                                 logger: Logger(handler: logs, level: .trace))
        return (group, continuation)
    }

    @Test("a signal drains the services one by one in reverse start order")
    func reverseOrder() async throws {
        let journal = Journal()
        let logs = InMemoryLogHandler()
        let (group, signals) = makeGroup([
            DrainingService(name: "a", journal: journal),
            DrainingService(name: "b", journal: journal, drain: .milliseconds(50)),
            DrainingService(name: "c", journal: journal, drain: .milliseconds(50)),
        ], logs: logs)
        async let run: Void = group.run()
        for name in ["a", "b", "c"] { try await journal.waitFor("\(name) started") }
        signals.yield(.sigterm)
        try await run
        let shutdown = journal.all.filter { !$0.hasSuffix("started") }
        #expect(shutdown == ["c draining", "c stopped", "b draining", "b stopped", "a draining", "a stopped"])
        let notice = try #require(logs.records.first { $0.message == "graceful shutdown requested" })
        #expect(notice.metadata[.signal] == "SIGTERM")
    }

    @Test("services still running after the drain timeout are cancelled")
    func drainTimeout() async throws {
        let journal = Journal()
        let (group, signals) = makeGroup([
            DrainingService(name: "a", journal: journal),
            DrainingService(name: "b", journal: journal, ignoresShutdown: true),
        ], drainTimeout: .milliseconds(200))
        let run = Task { try await group.run() }
        try await journal.waitFor("a started")
        try await journal.waitFor("b started")
        signals.yield(.sigint)
        let error = await #expect(throws: ServiceGroupError.self) { try await run.value }
        guard case .drainTimedOut(let services)? = error else { Issue.record("wrong error \(String(describing: error))"); return }
        #expect(services == ["DrainingService", "DrainingService"])
        // b never drained, so a was never asked: both end cancelled.
        #expect(Set(journal.all.filter { $0.hasSuffix("cancelled") }) == ["a cancelled", "b cancelled"])
    }

    @Test("a second signal during the drain cancels at once")
    func secondSignal() async throws {
        let journal = Journal()
        let (group, signals) = makeGroup([DrainingService(name: "a", journal: journal, ignoresShutdown: true)], drainTimeout: nil)
        async let run: Void = group.run()
        try await journal.waitFor("a started")
        signals.yield(.sigterm)
        signals.yield(.sigterm)
        try await run
        #expect(journal.all == ["a started", "a cancelled"])
    }

    @Test("a failing service shuts the others down gracefully and is reported")
    func failure() async throws {
        let journal = Journal()
        let (group, _) = makeGroup([DrainingService(name: "a", journal: journal), FailingService(journal: journal)])
        let error = await #expect(throws: ServiceGroupError.self) { try await group.run() }
        guard case .serviceFailed(let service, let underlying)? = error else { Issue.record("wrong error"); return }
        #expect(service == "FailingService")
        #expect(underlying is FailingService.Boom)
        #expect(journal.all == ["a started", "a draining", "a stopped"])
        let description = try #require(error?.description)
        #expect(description.hasPrefix("service FailingService failed with ServiceKitTests."))
        #expect(description.hasSuffix("FailingService.Boom"))
    }

    @Test("a service returning on its own stops the group with an error")
    func unexpectedReturn() async throws {
        let journal = Journal()
        let (group, _) = makeGroup([DrainingService(name: "a", journal: journal), QuittingService()])
        let error = await #expect(throws: ServiceGroupError.self) { try await group.run() }
        #expect(error?.code == "SERVICE_FINISHED_UNEXPECTEDLY")
        #expect(journal.all.last == "a stopped")
    }

    @Test("triggerGracefulShutdown works without a signal")
    func programmaticShutdown() async throws {
        let journal = Journal()
        let (group, _) = makeGroup([DrainingService(name: "a", journal: journal)])
        async let run: Void = group.run()
        try await journal.waitFor("a started")
        group.triggerGracefulShutdown()
        try await run
        #expect(journal.all == ["a started", "a draining", "a stopped"])
    }

    @Test("cancelling the caller cancels the services")
    func callerCancelled() async throws {
        let journal = Journal()
        let (group, _) = makeGroup([DrainingService(name: "a", journal: journal)])
        let task = Task { try await group.run() }
        try await journal.waitFor("a started")
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(journal.all == ["a started", "a cancelled"])
    }
}
