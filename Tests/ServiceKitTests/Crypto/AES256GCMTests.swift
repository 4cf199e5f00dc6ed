import Testing
@testable import ServiceKit

@Suite("AES256GCM")
struct AES256GCMTests {
    private static func h(_ hex: String) -> [UInt8] { CryptoTestSupport.bytes(hex: hex) }

    // McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)", Test Case 16 (AES-256, 96-bit IV, AAD).
    static let key = h("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308")
    static let iv = h("cafebabefacedbaddecaf888")
    static let plaintext = h(
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
    )
    static let aad = h("feedfacedeadbeeffeedfacedeadbeefabaddad2")
    static let ciphertext = h(
        "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
    )
    static let tag = h("76fc6ece0f4e1768cddf8853bb2d551b")

    @Test("GCM spec test case 16: seal")
    func testCase16Seal() throws {
        let sealed = try AES256GCM.seal(Self.plaintext, key: Self.key, nonce: Self.iv, authenticating: Self.aad)
        #expect(sealed == Self.iv + Self.ciphertext + Self.tag)
    }

    @Test("GCM spec test case 16: open")
    func testCase16Open() throws {
        let opened = try AES256GCM.open(Self.iv + Self.ciphertext + Self.tag, key: Self.key, authenticating: Self.aad)
        #expect(opened == Self.plaintext)
    }

    // Same paper, Test Cases 13 and 14: AES-256 with a zero key and IV, no AAD.
    @Test("GCM spec test cases 13 and 14")
    func testCases13And14() throws {
        let zeroKey = [UInt8](repeating: 0, count: 32)
        let zeroIV = [UInt8](repeating: 0, count: 12)
        #expect(try AES256GCM.seal([UInt8](), key: zeroKey, nonce: zeroIV) == zeroIV + Self.h("530f8afbc74536b9a963b4f1c4cb738b"))
        #expect(
            try AES256GCM.seal([UInt8](repeating: 0, count: 16), key: zeroKey, nonce: zeroIV)
                == zeroIV + Self.h("cea7403d4d606b6e074ec5d3baf39d18") + Self.h("d0d1c8a799996bf0265b98b5d48ab919")
        )
    }

    @Test func roundTrips() throws {
        let key = SecureRandom.bytes(32)
        for length in [0, 1, 15, 16, 17, 1000] {
            let plaintext = SecureRandom.bytes(length)
            let sealed = try AES256GCM.seal(plaintext, key: key, authenticating: Array("project-1".utf8))
            #expect(sealed.count == length + 28)
            #expect(try AES256GCM.open(sealed, key: key, authenticating: Array("project-1".utf8)) == plaintext)
        }
        let sealed = try AES256GCM.seal("smtp password", key: key)
        #expect(try AES256GCM.open(sealed, key: key) == Array("smtp password".utf8))
    }

    @Test func randomNoncesDiffer() throws {
        let key = SecureRandom.bytes(32)
        let a = try AES256GCM.seal("same", key: key)
        let b = try AES256GCM.seal("same", key: key)
        #expect(a.prefix(12) != b.prefix(12))
        #expect(a != b)
    }

    @Test func tamperingIsDetected() throws {
        let sealed = Self.iv + Self.ciphertext + Self.tag
        // Every region: nonce, first and last ciphertext byte, tag.
        for index in [0, 11, 12, 12 + Self.ciphertext.count - 1, sealed.count - 16, sealed.count - 1] {
            var tampered = sealed
            tampered[index] ^= 0x01
            #expect(throws: CryptoError(.authenticationFailed), "byte \(index)") {
                try AES256GCM.open(tampered, key: Self.key, authenticating: Self.aad)
            }
        }
        var wrongKey = Self.key
        wrongKey[0] ^= 0x01
        #expect(throws: CryptoError(.authenticationFailed)) {
            try AES256GCM.open(sealed, key: wrongKey, authenticating: Self.aad)
        }
        #expect(throws: CryptoError(.authenticationFailed)) {
            try AES256GCM.open(sealed, key: Self.key, authenticating: Self.aad.dropLast())
        }
        #expect(throws: CryptoError(.authenticationFailed)) {
            try AES256GCM.open(sealed, key: Self.key)  // AAD missing
        }
        #expect(throws: CryptoError(.authenticationFailed)) {
            try AES256GCM.open(sealed.dropLast(), key: Self.key, authenticating: Self.aad)  // truncated tag
        }
        #expect(throws: CryptoError(.authenticationFailed)) {
            try AES256GCM.open(sealed.prefix(27), key: Self.key)  // shorter than nonce + tag
        }
    }

    @Test func rejectsBadParameters() {
        #expect(throws: CryptoError(.invalidKey)) { try AES256GCM.seal("x", key: [UInt8](repeating: 0, count: 16)) }
        #expect(throws: CryptoError(.invalidKey)) { try AES256GCM.open([UInt8](repeating: 0, count: 40), key: [UInt8]()) }
        #expect(throws: CryptoError(.invalidParameter)) {
            try AES256GCM.seal("x", key: [UInt8](repeating: 0, count: 32), nonce: [UInt8](repeating: 0, count: 16))
        }
    }

    @Test func errorDescriptionIsGeneric() {
        let error = CryptoError(.authenticationFailed, openSSLErrorCode: 0x1C80_0066)
        #expect(error.description == "CryptoError(code: authenticationFailed, openssl: 0x1C800066)")
        #expect(CryptoError(.invalidKey).description == "CryptoError(code: invalidKey)")
    }
}
