import Synchronization
import Testing
@testable import ServiceKit

@Suite("Group commit")
struct GroupCommitTests {
    struct Odd: Error, Equatable { let value: Int }
    struct Broken: Error {}

    /// Records every batch a flush received.
    final class Log: Sendable {
        let batches = Mutex<[[Int]]>([])
        func add(_ batch: [Int]) { batches.withLock { $0.append(batch) } }
        var all: [[Int]] { batches.withLock { $0 } }
    }

    @Test("one caller at a time: each item commits alone, at once")
    func sequential() async throws {
        let log = Log()
        let commits = GroupCommit<Int, Int> { items in
            log.add(items)
            return items.map { .success($0 * 2) }
        }
        for value in 1...5 { #expect(try await commits.submit(value) == value * 2) }
        #expect(log.all == [[1], [2], [3], [4], [5]])
        #expect(commits.batchSizes == [1: 5])
    }

    @Test("concurrent callers share commits; each gets its own outcome; nothing is flushed twice or lost")
    func concurrent() async throws {
        let log = Log()
        let commits = GroupCommit<Int, Int>(maximumBatch: 16) { items in
            log.add(items)
            try await Task.sleep(for: .milliseconds(5))
            return items.map { .success($0 * 2) }
        }
        let answers = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for value in 0..<200 { group.addTask { (value, try await commits.submit(value)) } }
            return try await group.reduce(into: [Int: Int]()) { $0[$1.0] = $1.1 }
        }
        #expect(answers.count == 200)
        #expect(answers.allSatisfy { $0.value == $0.key * 2 })
        let flushed = log.all.flatMap { $0 }
        #expect(flushed.sorted() == Array(0..<200))
        #expect(log.all.allSatisfy { $0.count <= 16 })
        #expect(log.all.count < 200, "commits were shared: \(log.all.map(\.count))")
    }

    @Test("one bad item fails alone; a flush that throws fails its batch only")
    func failures() async throws {
        let broken = Mutex(true)
        let commits = GroupCommit<Int, Int> { items in
            if items.contains(-1), broken.withLock({ $0 }) {
                broken.withLock { $0 = false }
                throw Broken()
            }
            return items.map { $0 % 2 == 1 ? .failure(Odd(value: $0)) : .success($0) }
        }
        #expect(try await commits.submit(2) == 2)
        await #expect(throws: Odd(value: 3)) { try await commits.submit(3) }
        await #expect(throws: Broken.self) { try await commits.submit(-1) }
        #expect(try await commits.submit(4) == 4)
        let results = await withTaskGroup(of: Result<Int, any Error>.self) { group in
            for value in 0..<50 {
                group.addTask {
                    do { return .success(try await commits.submit(value)) } catch { return .failure(error) }
                }
            }
            return await group.reduce(into: [Result<Int, any Error>]()) { $0.append($1) }
        }
        #expect(results.filter { (try? $0.get()) != nil }.count == 25)
    }

    @Test("a flush answering too few results fails the items without one")
    func missing() async throws {
        let commits = GroupCommit<Int, Int> { _ in [] }
        await #expect(throws: GroupCommitError.missingResult) { try await commits.submit(1) }
    }
}
