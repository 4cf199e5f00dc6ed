import ServiceKit
import Synchronization

/// The request id of the contract: the client's `X-Request-Id` when it is 1…128 printable ASCII
/// characters, else a fresh one (`req_` + 24 random base62 characters).
enum RequestID {
    /// The longest id echoed.
    static let maximumLength = 128

    /// The number of random base62 characters after `req_`.
    static let randomLength = 24

    /// The id for a request carrying `header`.
    static func resolve(_ header: String?) -> String {
        if let header, (1...maximumLength).contains(header.utf8.count),
            header.utf8.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E })
        {
            return header
        }
        return generate()
    }

    /// A fresh id: `req_` and 24 digits drawn uniformly (rejection sampling, as `APIKey.Base62.randomDigits`)
    /// from bytes of the CSPRNG, which are fetched 4 KiB at a time (one `RAND_bytes` call costs as much as
    /// building the rest of a response).
    static func generate() -> String {
        String(unsafeUninitializedCapacity: 4 + randomLength) { buffer in
            for (index, byte) in "req_".utf8.enumerated() { buffer[index] = byte }
            fileprivateRandomPool.fillDigits(UnsafeMutableBufferPointer(rebasing: buffer[4...]))
            return 4 + randomLength
        }
    }
}

/// Random bytes from ``SecureRandom``, fetched in blocks and each handed out once.
fileprivate final class FileprivateRandomPool: Sendable {
    private struct State {
        var bytes: [UInt8] = []
        var next = 0
    }

    private static let blockSize = 4096
    private let state = Mutex(State())

    /// Fills `digits` with base62 digits drawn uniformly (bytes ≥ 248 are skipped).
    func fillDigits(_ digits: UnsafeMutableBufferPointer<UInt8>) {
        let alphabet = APIKey.Base62.alphabet
        state.withLock { state in
            var filled = 0
            while filled < digits.count {
                if state.next == state.bytes.count {
                    state.bytes = SecureRandom.bytes(Self.blockSize)
                    state.next = 0
                }
                let byte = state.bytes[state.next]
                state.next += 1
                if byte < 248 {
                    digits[filled] = alphabet[Int(byte % 62)]
                    filled += 1
                }
            }
        }
    }
}

fileprivate let fileprivateRandomPool = FileprivateRandomPool()
