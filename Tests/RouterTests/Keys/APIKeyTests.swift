import Foundation
import Testing
import ServiceKit
@testable import Router

@Suite("APIKey")
struct APIKeyTests {
    fileprivate static let pepper = APIKeyPepper(bytes: Array(repeating: UInt8(ascii: "p"), count: 32))!

    // Computed independently with Python (zlib.crc32, int → base62 "0-9A-Za-z", hmac/hashlib).
    fileprivate static let knownKey = "psk_AbCdEf012345_003aUlTJC7tjlCTQj2uNU3MFagCXG9LRKRcwGkBIDlf4cmMft"
    fileprivate static let knownSecret = "003aUlTJC7tjlCTQj2uNU3MFagCXG9LRKRcwGkBIDlf"  // bytes 0x00…0x1f
    fileprivate static let knownHash = "e0383d299af5dea38ac99da8f870a40dffa28f8547887484b3ef26490e72b7fe"

    fileprivate static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    @Test("generate then parse round-trips kind, id and hash", arguments: APIKey.Kind.allCases)
    func roundTrip(kind: APIKey.Kind) throws {
        let minted = APIKey.generate(kind: kind, pepper: Self.pepper)
        #expect(minted.key.utf8.count == APIKey.length)
        #expect(minted.key.hasPrefix(kind == .secret ? "psk_" : "ppk_"))
        #expect(minted.prefix == "\(kind.keyPrefix)_\(minted.id)")
        #expect(minted.key.hasPrefix(minted.prefix + "_"))
        #expect(minted.id.utf8.count == APIKey.idLength)
        let parsed = try APIKey.parse(minted.key)
        #expect(parsed.kind == kind)
        #expect(parsed.id == minted.id)
        #expect(parsed.keyedHash(pepper: Self.pepper) == minted.hash)
        #expect(minted.hash.count == 32)
    }

    @Test("two generated keys differ in id and secret")
    func unique() {
        let a = APIKey.generate(kind: .secret, pepper: Self.pepper)
        let b = APIKey.generate(kind: .secret, pepper: Self.pepper)
        #expect(a.id != b.id)
        #expect(a.key != b.key)
        #expect(a.hash != b.hash)
    }

    @Test("known-answer vector: checksum, id and keyed hash agree with Python")
    func knownAnswer() throws {
        #expect(APIKey.CRC32.checksum("123456789".utf8) == 0xCBF4_3926)
        #expect(APIKey.Base62.encode(bigEndian: Array(0..<32), width: 43) == Self.knownSecret)
        #expect(APIKey.Base62.encode(UInt32.max, width: 6).utf8.count == 6)
        #expect(APIKey.Base62.encode(bigEndian: [UInt8](repeating: 0xFF, count: 32), width: 43).utf8.count == 43)
        let key = try APIKey.parse(Self.knownKey)
        #expect(key.kind == .secret)
        #expect(key.id == "AbCdEf012345")
        #expect(Self.hex(key.keyedHash(pepper: Self.pepper)) == Self.knownHash)
    }

    @Test("changing any one character is caught")
    func checksumCatchesEdits() {
        let key = APIKey.generate(kind: .publishable, pepper: Self.pepper).key
        var bytes = Array(key.utf8)
        for index in [4, 10, 17, 40, 59, 60, 65] {
            let original = bytes[index]
            bytes[index] = original == UInt8(ascii: "a") ? UInt8(ascii: "b") : UInt8(ascii: "a")
            #expect(throws: APIKey.ParseError.badChecksum) { try APIKey.parse(String(decoding: bytes, as: UTF8.self)) }
            bytes[index] = original
        }
        // Swapping two neighbouring secret characters is also caught (when they differ).
        if bytes[30] != bytes[31] {
            bytes.swapAt(30, 31)
            #expect(throws: APIKey.ParseError.badChecksum) { try APIKey.parse(String(decoding: bytes, as: UTF8.self)) }
        }
    }

    @Test("wrong prefix, length, separator or alphabet is malformed", arguments: [
        "", "psk_", "xsk_AbCdEf012345_003aUlTJC7tjlCTQj2uNU3MFagCXG9LRKRcwGkBIDlf4cmMft",
        "pak_AbCdEf012345_003aUlTJC7tjlCTQj2uNU3MFagCXG9LRKRcwGkBIDlf4cmMft",
        "PSK_AbCdEf012345_003aUlTJC7tjlCTQj2uNU3MFagCXG9LRKRcwGkBIDlf4cmMft",
        "psk-AbCdEf012345_003aUlTJC7tjlCTQj2uNU3MFagCXG9LRKRcwGkBIDlf4cmMft",
        "psk_AbCdEf012345-003aUlTJC7tjlCTQj2uNU3MFagCXG9LRKRcwGkBIDlf4cmMft",
        "psk_AbCdEf012345_003aUlTJC7tjlCTQj2uNU3MFagCXG9LRKRcwGkBIDlf4cmMf",
        "psk_AbCdEf012345_003aUlTJC7tjlCTQj2uNU3MFagCXG9LRKRcwGkBIDlf4cmMftt",
        " psk_AbCdEf012345_003aUlTJC7tjlCTQj2uNU3MFagCXG9LRKRcwGkBIDlf4cmMft",
        "psk_AbCdEf01234_5003aUlTJC7tjlCTQj2uNU3MFagCXG9LRKRcwGkBIDlf4cmMft",
        "psk_AbCdEf012345_003aUlTJC7tjlCTQj2uNU3MFagCXG9LRKRcw-kBIDlf4cmMft",
        "psk_AbCdEf012345_003aUlTJC7tjlCTQj2uNU3MFagCXG9LRKRcw/kBIDlf4cmMft",
        "psk_AbCdEf01234é_003aUlTJC7tjlCTQj2uNU3MFagCXG9LRKRcwGkBIDlf4cmMf",
        "psk_AbCdEf012345_003aUlTJC7tjlCTQj2uNU3MFagCXG9LRKRcwGkBIDlf4cmMf\u{0}",
    ])
    func malformed(text: String) {
        #expect(throws: APIKey.ParseError.malformed) { try APIKey.parse(text) }
    }

    @Test("the kind letter is covered by the checksum")
    func kindSwap() {
        let swapped = "ppk" + Self.knownKey.dropFirst(3)
        #expect(throws: APIKey.ParseError.badChecksum) { try APIKey.parse(swapped) }
    }

    @Test("the hash depends on the pepper")
    func pepper() throws {
        let minted = APIKey.generate(kind: .secret, pepper: Self.pepper)
        let other = APIKeyPepper(bytes: Array(repeating: UInt8(ascii: "q"), count: 32))!
        let parsed = try APIKey.parse(minted.key)
        #expect(parsed.keyedHash(pepper: other) != minted.hash)
        #expect(APIKeyPepper(bytes: Array(repeating: 1, count: 31)) == nil)
    }

    @Test("descriptions never show the secret or the hash")
    func redaction() throws {
        let minted = APIKey.generate(kind: .secret, pepper: Self.pepper)
        let parsed = try APIKey.parse(minted.key)
        let secretPart = String(minted.key.dropFirst(APIKey.prefix(kind: .secret, id: minted.id).count + 1).prefix(20))
        let record = minted.record(projectID: "proj_1", createdAt: Date(timeIntervalSince1970: 0))
        for text in ["\(parsed)", "\(minted)", String(reflecting: parsed), "\(record)", "\(Self.pepper)"] {
            #expect(!text.contains(secretPart))
            #expect(!text.contains(Self.hex(minted.hash)))
        }
        #expect("\(Self.pepper)" == "***")
    }
}
