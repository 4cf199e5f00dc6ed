import Foundation

/// Time-based one-time passwords (RFC 6238 over HOTP, RFC 4226) with HMAC-SHA-1 and 30-second steps: what
/// authenticator apps compute. Pure functions; the caller keeps the secret and the last used step.
///
/// ```swift
/// let step = TOTP.step(at: now)                                      // ⌊unix time / 30⌋
/// TOTP.code(secret: secret, step: step)                              // "287082"
/// TOTP.matchingStep(code: "287082", secret: secret, at: now)         // step − 1 … step + 1, or nil
/// ```
public enum TOTP {
    /// Seconds per step.
    public static let period = 30
    /// Digits of a code.
    public static let digits = 6

    /// The step (time counter) at `date`: whole periods since 1970.
    public static func step(at date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / Double(period)).rounded(.down))
    }

    /// The code of `step`: HOTP's dynamic truncation of HMAC-SHA-1(secret, step as 8 big-endian bytes), its
    /// last `digits` decimal digits, zero-padded.
    public static func code(secret: [UInt8], step: Int64, digits: Int = digits) -> String {
        let counter = (0..<8).map { UInt8(truncatingIfNeeded: UInt64(bitPattern: step) >> (56 - 8 * UInt64($0))) }
        let mac = HMACSHA1.authenticationCode(for: counter, key: secret)
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let binary = (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16)
            | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let text = String(binary % modulus)
        return String(repeating: "0", count: digits - text.count) + text
    }

    /// The step within ±`drift` of `date`'s whose code is `code` (each compared in constant time, all compared),
    /// or nil. When several match (a one-in-a-million coincidence) the latest wins.
    public static func matchingStep(code: String, secret: [UInt8], at date: Date, drift: Int64 = 1) -> Int64? {
        let current = step(at: date)
        var found: Int64?
        for candidate in (current - drift)...(current + drift) {
            if ConstantTime.equals(Self.code(secret: secret, step: candidate), code) { found = candidate }
        }
        return found
    }
}
