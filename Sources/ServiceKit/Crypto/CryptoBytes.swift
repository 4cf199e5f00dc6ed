internal import COpenSSL

/// Byte-buffer helpers shared by the crypto files.
enum CryptoBytes {
    /// Calls `body` with the bytes of `data`, without copying when `data` has contiguous storage
    /// (`Array`, `ArraySlice`, `ContiguousArray`, `Data`, `UnsafeRawBufferPointer`, `String.UTF8View` …).
    @inline(__always)
    static func with<Bytes: Collection<UInt8>, Result>(
        _ data: Bytes,
        _ body: (UnsafeRawBufferPointer) throws -> Result
    ) rethrows -> Result {
        if let result = try data.withContiguousStorageIfAvailable({ try body(UnsafeRawBufferPointer($0)) }) {
            return result
        }
        return try Array(data).withUnsafeBytes(body)
    }

    /// Calls `body` with the UTF-8 bytes of `string`.
    @inline(__always)
    static func with<Result>(utf8 string: String, _ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        var string = string
        return try string.withUTF8 { try body(UnsafeRawBufferPointer($0)) }
    }

    /// Overwrites `buffer` with zeros in a way the optimiser cannot remove (`OPENSSL_cleanse`).
    @inline(__always)
    static func wipe(_ buffer: UnsafeMutableRawBufferPointer) {
        if let base = buffer.baseAddress, buffer.count > 0 {
            OPENSSL_cleanse(base, buffer.count)
        }
    }

    /// Creates an array of exactly `count` bytes, all of which `body` must initialise.
    /// The buffer's base address may be `nil` when `count` is zero.
    @inline(__always)
    static func array(
        count: Int,
        _ body: (UnsafeMutableRawBufferPointer) throws -> Void
    ) rethrows -> [UInt8] {
        try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            try body(UnsafeMutableRawBufferPointer(buffer))
            initialized = count
        }
    }
}
