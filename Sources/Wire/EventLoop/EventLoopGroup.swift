import Dispatch
import Foundation
import Synchronization

/// A fixed set of ``EventLoop``s, one thread each; ``next()`` hands them out round robin.
///
/// ```swift
/// let group = try EventLoopGroup()            // one loop per active processor
/// let listener = try TCPListener(host: "127.0.0.1", port: 0, group: group) { _ in EchoHandler() }
/// ...
/// await group.shutdownGracefully()
/// ```
public final class EventLoopGroup: Sendable {
    /// The loops, in creation order.
    public let loops: [EventLoop]
    private let counter = Atomic<Int>(0)

    /// Starts `loopCount` loops (default: the number of active processors, at least 1).
    public init(loopCount: Int = ProcessInfo.processInfo.activeProcessorCount) throws(SocketError) {
        var loops: [EventLoop] = []
        let count = min(max(loopCount, 1), 1024)
        do {
            for index in 0..<count {
                loops.append(try EventLoop(name: "wire-loop-\(index)"))
            }
        } catch {
            for loop in loops { loop.shutdown() }
            for loop in loops { loop.join() }
            throw error
        }
        self.loops = loops
    }

    /// The next loop, round robin. Safe from any thread.
    public func next() -> EventLoop {
        let index = self.counter.add(1, ordering: .relaxed).oldValue
        return self.loops[Int(UInt(bitPattern: index) % UInt(self.loops.count))]
    }

    /// The loop whose thread is the caller's, if any.
    public var currentLoop: EventLoop? {
        self.loops.first { $0.inEventLoop }
    }

    /// Stops every loop (closing their connections and listeners) and waits for their threads to exit.
    /// Blocks; never call it from one of the group's loops.
    public func syncShutdownGracefully() {
        precondition(self.currentLoop == nil, "EventLoopGroup shut down from one of its own loops")
        for loop in self.loops { loop.shutdown() }
        for loop in self.loops { loop.join() }
    }

    /// Stops every loop and waits for their threads to exit, without blocking the caller's thread.
    public func shutdownGracefully() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                self.syncShutdownGracefully()
                continuation.resume()
            }
        }
    }
}
