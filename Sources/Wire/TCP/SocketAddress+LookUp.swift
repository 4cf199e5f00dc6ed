import Dispatch

extension SocketAddress {
    /// ``resolve(host:port:)`` without blocking the caller: a numeric host is parsed in place, any other is
    /// resolved with `getaddrinfo` on a Dispatch global queue (it blocks), never on an event loop.
    public static func lookUp(host: String, port: Int) async throws -> [SocketAddress] {
        if let numeric = try? SocketAddress(ipAddress: host, port: port) { return [numeric] }
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { () throws(TCPError) in
                    try SocketAddress.resolve(host: host, port: port)
                })
            }
        }
    }
}
