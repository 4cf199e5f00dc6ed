import Foundation
import Testing
@testable import ServiceKit

@Suite("HMACSHA256")
struct HMACSHA256Tests {
    private static func h(_ hex: String) -> [UInt8] { CryptoTestSupport.bytes(hex: hex) }

    // RFC 4231 §4.2–4.8 (test case 5 is checked truncated to 128 bits, as the RFC prints it).
    static let vectors: [(name: String, key: [UInt8], data: [UInt8], mac: String)] = [
        ("1", [UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8),
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        ("2", Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        ("3", [UInt8](repeating: 0xaa, count: 20), [UInt8](repeating: 0xdd, count: 50),
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        ("4", h("0102030405060708090a0b0c0d0e0f10111213141516171819"), [UInt8](repeating: 0xcd, count: 50),
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        ("6", [UInt8](repeating: 0xaa, count: 131),
         Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        ("7", [UInt8](repeating: 0xaa, count: 131),
         Array(("This is a test using a larger than block-size key and a larger than block-size data. "
             + "The key needs to be hashed before being used by the HMAC algorithm.").utf8),
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ]

    @Test("RFC 4231", arguments: vectors)
    func rfc4231(vector: (name: String, key: [UInt8], data: [UInt8], mac: String)) {
        let mac = HMACSHA256.authenticationCode(for: vector.data, key: vector.key)
        #expect(CryptoTestSupport.hex(mac) == vector.mac, "test case \(vector.name)")
        #expect(HMACSHA256.isValidAuthenticationCode(mac, for: vector.data, key: vector.key))
    }

    @Test("RFC 4231 test case 5, truncated to 128 bits")
    func rfc4231Truncated() {
        let mac = HMACSHA256.authenticationCode(for: "Test With Truncation", key: [UInt8](repeating: 0x0c, count: 20))
        #expect(CryptoTestSupport.hex(mac.prefix(16)) == "a3b6167473100ee06e0c796c2955552b")
    }

    @Test func keyLengthsAroundTheBlockSize() {
        // 63, 64 and 65 bytes: a 64-byte key is used as is, a 65-byte one is hashed first.
        for length in [0, 1, 32, 63, 64, 65, 200] {
            let key = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 1) }
            let mac = HMACSHA256.authenticationCode(for: Data("message".utf8), key: key)
            #expect(mac == Self.reference(message: Array("message".utf8), key: key), "key length \(length)")
        }
    }

    @Test func rejectsWrongCodes() {
        let key = SecureRandom.bytes(32)
        var mac = HMACSHA256.authenticationCode(for: "body", key: key)
        #expect(HMACSHA256.isValidAuthenticationCode(mac, for: Array("body".utf8), key: key))
        #expect(!HMACSHA256.isValidAuthenticationCode(mac.prefix(31), for: Array("body".utf8), key: key))
        mac[5] ^= 0x01
        #expect(!HMACSHA256.isValidAuthenticationCode(mac, for: Array("body".utf8), key: key))
    }

    /// RFC 2104 from SHA256 alone, to cross-check the block-size boundary.
    private static func reference(message: [UInt8], key: [UInt8]) -> [UInt8] {
        var block = key.count > 64 ? SHA256.hash(key) : key
        block += [UInt8](repeating: 0, count: 64 - block.count)
        let inner = SHA256.hash(block.map { $0 ^ 0x36 } + message)
        return SHA256.hash(block.map { $0 ^ 0x5c } + inner)
    }
}

@Suite("HMACSHA256.Key")
struct HMACSHA256KeyTests {
    @Test("a prepared key gives the same codes as the one-shot function, for every key length class",
          arguments: [0, 1, 32, 63, 64, 65, 200])
    func matchesOneShot(keyLength: Int) {
        let key = (0..<keyLength).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        let prepared = HMACSHA256.Key(key)
        for message in ["", "abc", String(repeating: "m", count: 55), String(repeating: "x", count: 1000)] {
            #expect(prepared.authenticationCode(for: message) == HMACSHA256.authenticationCode(for: message, key: key))
            #expect(prepared.authenticationCode(for: Array(message.utf8)) == HMACSHA256.authenticationCode(for: message, key: key))
        }
    }

    @Test("RFC 4231 test case 2 (key \"Jefe\")")
    func rfc4231() {
        let code = HMACSHA256.Key(Array("Jefe".utf8)).authenticationCode(for: "what do ya want for nothing?")
        #expect(code.map { String(format: "%02x", $0) }.joined()
            == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test("one prepared key is safe to use from many tasks at once")
    func concurrent() async {
        let key = HMACSHA256.Key(Array(repeating: 9, count: 32))
        let expected = HMACSHA256.authenticationCode(for: "same message", key: Array(repeating: 9, count: 32))
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask { (0..<500).allSatisfy { _ in key.authenticationCode(for: "same message") == expected } }
            }
            return await group.reduce(true) { $0 && $1 }
        }
        #expect(results)
    }
}
