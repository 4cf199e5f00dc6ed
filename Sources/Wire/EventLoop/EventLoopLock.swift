#if canImport(Glibc)
import Glibc
#endif

/// A pthread mutex guarding a value: the lock behind an event loop's cross-thread queue.
///
/// Not `Synchronization.Mutex`: ThreadSanitizer on Linux sees pthread locks but not `Mutex` (its fast path is
/// uninstrumented stdlib atomics), so with `Mutex` every closure handed to a loop from another thread shows up
/// in TSan runs as a false data race. Uncontended, both cost about the same.
final class EventLoopLock<Value>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

    init(_ value: Value) {
        self.mutex = .allocate(capacity: 1)
        self.mutex.initialize(to: pthread_mutex_t())
        let result = pthread_mutex_init(self.mutex, nil)
        precondition(result == 0, "pthread_mutex_init failed: \(result)")
        self.value = value
    }

    deinit {
        pthread_mutex_destroy(self.mutex)
        self.mutex.deallocate()
    }

    /// Runs `body` with the value while holding the lock.
    @inline(__always)
    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(self.mutex)
        defer { pthread_mutex_unlock(self.mutex) }
        return try body(&self.value)
    }
}
