import Dispatch
import Foundation

/// A Unix signal that a ``ServiceGroup`` reacts to.
public struct UnixSignal: Hashable, Sendable, CustomStringConvertible {
    /// The signal number.
    public let rawValue: Int32
    /// The signal's name, e.g. `SIGTERM`.
    public let name: String

    /// Termination request (`kill`, Kubernetes, systemd): shut down gracefully.
    public static let sigterm = UnixSignal(rawValue: SIGTERM, name: "SIGTERM")
    /// Interrupt (Ctrl-C): shut down gracefully.
    public static let sigint = UnixSignal(rawValue: SIGINT, name: "SIGINT")
    /// Write to a closed pipe or socket: ignored so that the write fails with `EPIPE` instead.
    public static let sigpipe = UnixSignal(rawValue: SIGPIPE, name: "SIGPIPE")

    public var description: String { name }

    /// Ignores `signal` for the whole process (its default action no longer runs).
    public static func ignore(_ signal: UnixSignal) {
        _ = Foundation.signal(signal.rawValue, SIG_IGN)
    }

    /// Traps `signals` for the whole process: their default action (termination) is disabled and each
    /// delivery is yielded by the returned stream. Signals arriving before the stream is read are buffered.
    public static func trap(_ signals: [UnixSignal]) -> AsyncStream<UnixSignal> {
        let (stream, continuation) = AsyncStream.makeStream(of: UnixSignal.self)
        let queue = DispatchQueue(label: "purrpurr.signals")
        let sources = SignalSources()
        for signal in signals {
            ignore(signal)
            let source = DispatchSource.makeSignalSource(signal: signal.rawValue, queue: queue)
            source.setEventHandler { continuation.yield(signal) }
            source.resume()
            sources.append(source)
        }
        continuation.onTermination = { _ in sources.cancelAll() }
        return stream
    }
}

/// Keeps the dispatch sources alive while the stream is, and cancels them with it. The sources are only
/// touched under the lock.
fileprivate final class SignalSources: @unchecked Sendable {
    private let lock = NSLock()
    private var sources: [any DispatchSourceSignal] = []

    func append(_ source: any DispatchSourceSignal) {
        lock.withLock { sources.append(source) }
    }

    func cancelAll() {
        lock.withLock {
            sources.forEach { $0.cancel() }
            sources.removeAll()
        }
    }
}
