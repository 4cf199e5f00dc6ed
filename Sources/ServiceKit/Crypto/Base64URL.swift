/// Base64 with the URL- and filename-safe alphabet (RFC 4648 §5), as used by JWTs and JWKS.
///
/// ```swift
/// let text = Base64URL.encode(signature)          // no "=" padding
/// let bytes = Base64URL.decode("eyJhbGciOiJFZERTQSJ9")
/// ```
public enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Maps an ASCII byte to its 6-bit value, or 0xFF when it is not in the alphabet.
    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, character) in alphabet.enumerated() {
            table[Int(character)] = UInt8(value)
        }
        return table
    }()

    /// Encodes `data` without padding.
    public static func encode(_ data: some Collection<UInt8>) -> String {
        CryptoBytes.with(data) { input in
            let outputCount = (input.count / 3) * 4 + [0, 2, 3][input.count % 3]
            return String(unsafeUninitializedCapacity: outputCount) { output in
                var out = 0
                var index = 0
                while index + 3 <= input.count {
                    let chunk = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
                    output[out] = alphabet[Int(chunk >> 18)]
                    output[out + 1] = alphabet[Int(chunk >> 12 & 0x3F)]
                    output[out + 2] = alphabet[Int(chunk >> 6 & 0x3F)]
                    output[out + 3] = alphabet[Int(chunk & 0x3F)]
                    index += 3
                    out += 4
                }
                switch input.count - index {
                case 1:
                    let chunk = UInt32(input[index]) << 16
                    output[out] = alphabet[Int(chunk >> 18)]
                    output[out + 1] = alphabet[Int(chunk >> 12 & 0x3F)]
                case 2:
                    let chunk = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8
                    output[out] = alphabet[Int(chunk >> 18)]
                    output[out + 1] = alphabet[Int(chunk >> 12 & 0x3F)]
                    output[out + 2] = alphabet[Int(chunk >> 6 & 0x3F)]
                default:
                    break
                }
                return outputCount
            }
        }
    }

    /// Encodes the UTF-8 bytes of `string` without padding.
    public static func encode(_ string: String) -> String {
        encode(Array(string.utf8))
    }

    /// Decodes `text`, with or without trailing "=" padding.
    ///
    /// Returns `nil` for characters outside the URL-safe alphabet (including "+", "/", whitespace), misplaced
    /// or excess padding, an impossible length, or non-zero unused bits in the last character (so each byte
    /// string has exactly one accepted encoding — a JWT signature cannot be re-encoded to look different).
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var text = String(text)
        return text.withUTF8 { decode(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// Decodes base64url text given as ASCII bytes, with the same rules as `decode(_:)`.
    public static func decode(utf8 text: some Collection<UInt8>) -> [UInt8]? {
        CryptoBytes.with(text) { decode(utf8: $0) }
    }

    private static func decode(utf8 input: UnsafeRawBufferPointer) -> [UInt8]? {
        var count = input.count
        // Padding, when present, must complete the last group of four exactly.
        if count % 4 == 0, count > 0, input[count - 1] == UInt8(ascii: "=") {
            count -= 1
            if input[count - 1] == UInt8(ascii: "=") { count -= 1 }
        }
        let remainder = count % 4
        if remainder == 1 { return nil }

        let outputCount = (count / 4) * 3 + (remainder == 0 ? 0 : remainder - 1)
        var output = [UInt8]()
        output.reserveCapacity(outputCount)
        var accumulator: UInt32 = 0
        var bits = 0
        for index in 0..<count {
            let value = decodeTable[Int(input[index])]
            if value == 0xFF { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        // Leftover bits (2 or 4) must be zero for a canonical encoding.
        if accumulator != 0 { return nil }
        return output
    }
}
