#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed system call on a socket, an epoll instance or an eventfd: the `errno` it left and the call's name.
///
/// `description` names only the call and the error, never data that went through the socket.
public struct SocketError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The `errno` value read right after the call returned.
    public let errno: Int32
    /// The system call that failed (`"connect"`, `"accept4"`, `"epoll_ctl"`, ...).
    public var syscall: String { String(describing: self.call) }

    private let call: StaticString

    /// Creates an error for `syscall` failing with `errno`.
    public init(errno: Int32, syscall: StaticString) {
        self.errno = errno
        self.call = syscall
    }

    /// The call, the `strerror` text and the number; never data from the socket.
    public var description: String {
        let reason = strerror(self.errno).map { String(cString: $0) } ?? "unknown error"
        return "\(self.syscall) failed: \(reason) (errno \(self.errno))"
    }

    /// Same `errno` from the same call.
    public static func == (lhs: SocketError, rhs: SocketError) -> Bool {
        lhs.errno == rhs.errno && lhs.syscall == rhs.syscall
    }

    /// Hashes `errno` and the call.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.errno)
        hasher.combine(self.syscall)
    }
}
