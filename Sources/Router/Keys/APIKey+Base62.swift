extension APIKey {
    /// Base62 with the alphabet `0-9A-Za-z`, fixed width (left-padded with `0`), for key ids, secrets and checksums.
    enum Base62 {
        /// The 62 digits, in value order.
        static let alphabet: [UInt8] = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

        /// Whether `byte` is one of the 62 ASCII digits.
        @inline(__always)
        static func isDigit(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
        }

        /// Encodes `value` in exactly `width` digits; `width` must be large enough (6 digits hold any `UInt32`).
        static func encode(_ value: UInt32, width: Int) -> String {
            encode(bigEndian: withUnsafeBytes(of: value.bigEndian) { Array($0) }, width: width)
        }

        /// Encodes the big-endian unsigned number `bytes` in exactly `width` digits (43 digits hold 32 bytes).
        static func encode(bigEndian bytes: [UInt8], width: Int) -> String {
            var number = bytes
            var digits = [UInt8](repeating: alphabet[0], count: width)
            var position = width
            var start = number.firstIndex { $0 != 0 } ?? number.count
            while start < number.count {
                // One long division of the whole number by 62.
                var remainder: UInt32 = 0
                for index in start..<number.count {
                    let accumulator = remainder << 8 | UInt32(number[index])
                    number[index] = UInt8(accumulator / 62)
                    remainder = accumulator % 62
                }
                precondition(position > 0, "APIKey.Base62: width too small for the value")
                position -= 1
                digits[position] = alphabet[Int(remainder)]
                while start < number.count, number[start] == 0 { start += 1 }
            }
            return String(decoding: digits, as: UTF8.self)
        }

        /// `count` digits drawn uniformly from `random` bytes (rejection sampling: bytes ≥ 248 are skipped).
        static func randomDigits(_ count: Int, random: (Int) -> [UInt8]) -> String {
            var digits = [UInt8]()
            digits.reserveCapacity(count)
            while digits.count < count {
                for byte in random(count) where byte < 248 && digits.count < count {
                    digits.append(alphabet[Int(byte % 62)])
                }
            }
            return String(decoding: digits, as: UTF8.self)
        }
    }
}
