/// Converts ECDSA signatures between the JWS form (RFC 7518 §3.4: `r ‖ s`, each left-padded to the curve's
/// size) and the DER `ECDSA-Sig-Value` (`SEQUENCE { INTEGER r, INTEGER s }`) OpenSSL signs and verifies.
///
/// ```swift
/// let der = try ECDSASignatureFormat.der(fromRaw: jwsSignature, width: 32)    // ES256: 64 bytes in
/// let raw = try ECDSASignatureFormat.raw(fromDER: opensslSignature, width: 32)
/// ```
enum ECDSASignatureFormat {
    /// The DER form of a raw `r ‖ s` of `2 × width` bytes; `invalidSignature` for another length or a zero half.
    static func der(fromRaw raw: [UInt8], width: Int) throws(CryptoError) -> [UInt8] {
        guard raw.count == 2 * width else { throw CryptoError(.invalidSignature) }
        let r = integer(Array(raw[0..<width]))
        let s = integer(Array(raw[width...]))
        guard let r, let s else { throw CryptoError(.invalidSignature) }
        let body = r + s
        return [0x30] + length(body.count) + body
    }

    /// The raw `r ‖ s` (each `width` bytes) of a DER signature; `invalidSignature` when it does not parse.
    static func raw(fromDER der: [UInt8], width: Int) throws(CryptoError) -> [UInt8] {
        var index = 0
        func take() throws(CryptoError) -> UInt8 {
            guard index < der.count else { throw CryptoError(.invalidSignature) }
            defer { index += 1 }
            return der[index]
        }
        func readLength() throws(CryptoError) -> Int {
            let first = try take()
            if first < 0x80 { return Int(first) }
            guard first == 0x81 else { throw CryptoError(.invalidSignature) }
            return Int(try take())
        }
        func readInteger() throws(CryptoError) -> [UInt8] {
            guard try take() == 0x02 else { throw CryptoError(.invalidSignature) }
            let count = try readLength()
            guard count > 0, index + count <= der.count else { throw CryptoError(.invalidSignature) }
            var value = Array(der[index..<(index + count)])
            index += count
            while value.count > width, value.first == 0 { value.removeFirst() }
            guard value.count <= width else { throw CryptoError(.invalidSignature) }
            return [UInt8](repeating: 0, count: width - value.count) + value
        }
        guard try take() == 0x30 else { throw CryptoError(.invalidSignature) }
        let total = try readLength()
        guard index + total == der.count else { throw CryptoError(.invalidSignature) }
        let r = try readInteger()
        let s = try readInteger()
        guard index == der.count else { throw CryptoError(.invalidSignature) }
        return r + s
    }

    /// A DER INTEGER of the unsigned big-endian `bytes` (leading zeros dropped, one added before a high bit);
    /// nil for zero.
    private static func integer(_ bytes: [UInt8]) -> [UInt8]? {
        var value = Array(bytes.drop(while: { $0 == 0 }))
        guard !value.isEmpty else { return nil }
        if value[0] & 0x80 != 0 { value.insert(0, at: 0) }
        return [0x02] + length(value.count) + value
    }

    /// A DER length (short form, or `0x81 n` up to 255).
    private static func length(_ count: Int) -> [UInt8] {
        count < 0x80 ? [UInt8(count)] : [0x81, UInt8(count)]
    }
}
