#if canImport(Glibc)
import Glibc
#endif
internal import COpenSSL

/// The system calls Wire's event loop and sockets make, each reading `errno` immediately after the call
/// (shape of swift-nio's `enum Posix`), retrying `EINTR`, and throwing ``SocketError`` on failure.
///
/// Calls that may legitimately find nothing to do on a non-blocking descriptor return `nil` on
/// `EAGAIN`/`EWOULDBLOCK` instead of throwing.
enum Posix {
    /// Runs `body` until it returns something other than -1 with `EINTR`; throws for any other failure.
    @inline(never)
    static func call(_ name: StaticString, _ body: () -> CInt) throws(SocketError) -> CInt {
        while true {
            let result = body()
            if result != -1 { return result }
            let code = Glibc.errno
            if code == EINTR { continue }
            throw SocketError(errno: code, syscall: name)
        }
    }

    /// Like ``call(_:_:)`` for calls returning `ssize_t`, returning `nil` when the call would block.
    @inline(never)
    static func nonBlocking(_ name: StaticString, _ body: () -> Int) throws(SocketError) -> Int? {
        while true {
            let result = body()
            if result >= 0 { return result }
            let code = Glibc.errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK { return nil }
            throw SocketError(errno: code, syscall: name)
        }
    }

    /// Closes `fd`. `EINTR` is not retried: on Linux the descriptor is released even then.
    static func close(_ fd: CInt) {
        _ = Glibc.close(fd)
    }

    static func recv(_ fd: CInt, _ buffer: UnsafeMutableRawBufferPointer) throws(SocketError) -> Int? {
        try self.nonBlocking("recv") { Glibc.recv(fd, buffer.baseAddress, buffer.count, 0) }
    }

    /// `send` with `MSG_NOSIGNAL`, so a reset peer yields `EPIPE` instead of killing the process.
    static func send(_ fd: CInt, _ bytes: UnsafeRawBufferPointer) throws(SocketError) -> Int? {
        try self.nonBlocking("send") { Glibc.send(fd, bytes.baseAddress, bytes.count, CInt(MSG_NOSIGNAL)) }
    }

    /// `accept4` with `SOCK_NONBLOCK | SOCK_CLOEXEC`; `nil` when the backlog is empty.
    static func accept(_ fd: CInt) throws(SocketError) -> CInt? {
        let flags = CInt(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue)
        let result = try self.nonBlocking("accept4") { Int(COpenSSL_accept4(fd, nil, nil, flags)) }
        return result.map { CInt($0) }
    }

    static func setOption<Value: BitwiseCopyable>(
        _ fd: CInt, level: CInt, name: CInt, value: Value
    ) throws(SocketError) {
        _ = try withUnsafeBytes(of: value) { raw throws(SocketError) in
            try self.call("setsockopt") {
                setsockopt(fd, level, name, raw.baseAddress, socklen_t(raw.count))
            }
        }
    }

    /// Reads and clears the socket's pending error (`SO_ERROR`), as after a non-blocking `connect`.
    static func pendingError(_ fd: CInt) throws(SocketError) -> CInt {
        var value: CInt = 0
        var length = socklen_t(MemoryLayout<CInt>.size)
        _ = try self.call("getsockopt") { getsockopt(fd, SOL_SOCKET, SO_ERROR, &value, &length) }
        return value
    }

    // MARK: epoll and eventfd

    static func epollCreate() throws(SocketError) -> CInt {
        try self.call("epoll_create1") { epoll_create1(CInt(EPOLL_CLOEXEC)) }
    }

    static func epollControl(
        _ epfd: CInt, _ operation: CInt, _ fd: CInt, events: UInt32, data: UInt64
    ) throws(SocketError) {
        var event = epoll_event()
        event.events = events
        event.data.u64 = data
        _ = try self.call("epoll_ctl") { epoll_ctl(epfd, operation, fd, &event) }
    }

    static func epollWait(
        _ epfd: CInt, _ events: UnsafeMutablePointer<epoll_event>, capacity: CInt, timeoutMilliseconds: CInt
    ) throws(SocketError) -> Int {
        while true {
            let result = epoll_wait(epfd, events, capacity, timeoutMilliseconds)
            if result >= 0 { return Int(result) }
            let code = Glibc.errno
            // An interrupted wait is an empty wake-up; the loop recomputes its timeout.
            if code == EINTR { return 0 }
            throw SocketError(errno: code, syscall: "epoll_wait")
        }
    }

    static func eventfdCreate() throws(SocketError) -> CInt {
        try self.call("eventfd") { eventfd(0, CInt(EFD_NONBLOCK | EFD_CLOEXEC)) }
    }

    /// Adds one to the eventfd's counter, which makes it readable. `EAGAIN` (counter saturated) is fine.
    static func eventfdSignal(_ fd: CInt) {
        var one: UInt64 = 1
        while Glibc.write(fd, &one, 8) == -1 && Glibc.errno == EINTR {}
    }

    /// Resets the eventfd's counter to zero.
    static func eventfdDrain(_ fd: CInt) {
        var value: UInt64 = 0
        while Glibc.read(fd, &value, 8) == -1 && Glibc.errno == EINTR {}
    }

    // MARK: process-wide setup

    private static let ignoreSIGPIPEOnce: Void = {
        _ = signal(SIGPIPE, SIG_IGN)
    }()

    /// Ignores `SIGPIPE` for the whole process, once; sends also pass `MSG_NOSIGNAL`.
    static func ignoreSIGPIPE() {
        _ = self.ignoreSIGPIPEOnce
    }

    /// Nanoseconds on the monotonic clock.
    @inline(__always)
    static func monotonicNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }
}
