/// Something on an event loop with a file descriptor in its epoll set.
protocol LoopSelectable: AnyObject {
    /// The descriptor is ready: `events` holds `EPOLLIN`, `EPOLLOUT`, `EPOLLRDHUP`, `EPOLLHUP`, `EPOLLERR` bits.
    func ioReady(_ events: UInt32)
    /// The loop is shutting down: close and deregister.
    func eventLoopClosing()
}

/// One descriptor in a loop's epoll set. The epoll event carries a pointer to this object (no lookup per
/// event); the loop keeps it alive until it is deregistered and the current batch of events is handled.
final class IORegistration {
    let fd: CInt
    /// The events currently requested from epoll.
    var interest: UInt32
    /// False once deregistered; events still in the current batch are then ignored.
    var isActive = true
    let target: any LoopSelectable

    init(fd: CInt, interest: UInt32, target: any LoopSelectable) {
        self.fd = fd
        self.interest = interest
        self.target = target
    }

    /// The value stored in `epoll_event.data.u64`: this object's address (never 0, which marks the eventfd).
    var token: UInt64 {
        UInt64(UInt(bitPattern: Unmanaged.passUnretained(self).toOpaque()))
    }

    static func from(token: UInt64) -> IORegistration {
        Unmanaged<IORegistration>.fromOpaque(UnsafeRawPointer(bitPattern: UInt(token))!).takeUnretainedValue()
    }
}
