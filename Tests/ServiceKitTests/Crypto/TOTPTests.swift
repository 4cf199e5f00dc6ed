import Foundation
import Testing
@testable import ServiceKit

@Suite("TOTP, HMAC-SHA-1 and base32")
struct TOTPTests {
    /// RFC 6238 appendix B's SHA-1 seed.
    private let seed = Array("12345678901234567890".utf8)

    @Test("RFC 6238 appendix B, SHA-1: 8-digit codes, and the 6-digit code is their last 6 digits", arguments: [
        (59, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"), (1_234_567_890, "89005924"),
        (2_000_000_000, "69279037"), (20_000_000_000, "65353130"),
    ] as [(Int64, String)])
    func rfc6238(time: Int64, expected: String) {
        let step = TOTP.step(at: Date(timeIntervalSince1970: TimeInterval(time)))
        #expect(step == time / 30)
        #expect(TOTP.code(secret: seed, step: step, digits: 8) == expected)
        #expect(TOTP.code(secret: seed, step: step) == String(expected.suffix(6)))
    }

    @Test("RFC 2202 HMAC-SHA-1 test cases 1 and 2")
    func hmac() {
        let one = HMACSHA1.authenticationCode(for: Array("Hi There".utf8), key: [UInt8](repeating: 0x0b, count: 20))
        #expect(hex(one) == "b617318655057264e28bc0b6fb378c8ef146be00")
        let two = HMACSHA1.authenticationCode(for: Array("what do ya want for nothing?".utf8), key: Array("Jefe".utf8))
        #expect(hex(two) == "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")
    }

    @Test("one step of drift either way is accepted, two are not")
    func drift() {
        let now = Date(timeIntervalSince1970: 1_111_111_111)
        let step = TOTP.step(at: now)
        for offset in -1...1 {
            let code = TOTP.code(secret: seed, step: step + Int64(offset))
            #expect(TOTP.matchingStep(code: code, secret: seed, at: now) == step + Int64(offset))
        }
        for offset in [-2, 2] {
            let code = TOTP.code(secret: seed, step: step + Int64(offset))
            #expect(TOTP.matchingStep(code: code, secret: seed, at: now) == nil)
        }
        #expect(TOTP.matchingStep(code: "12345", secret: seed, at: now) == nil)
    }

    @Test("base32 (RFC 4648 section 10, unpadded) round-trips and refuses other characters")
    func base32() {
        let vectors = [("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"),
                       ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI")]
        for (plain, encoded) in vectors {
            #expect(Base32.encode(Array(plain.utf8)) == encoded)
            #expect(Base32.decode(encoded) == Array(plain.utf8))
            #expect(Base32.decode(encoded.lowercased()) == Array(plain.utf8))
        }
        #expect(Base32.encode(seed) == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
        #expect(Base32.decode("MY======") == nil)
        #expect(Base32.decode("M1") == nil)
    }

    private func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
}
