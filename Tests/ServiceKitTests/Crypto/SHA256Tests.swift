import Testing
@testable import ServiceKit

@Suite("SHA256")
struct SHA256Tests {
    // FIPS 180-2 Appendix B / NIST CSRC examples.
    @Test("FIPS 180 vectors", arguments: [
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
    ])
    func vectors(message: String, digest: String) {
        #expect(CryptoTestSupport.hex(SHA256.hash(message)) == digest)
        #expect(CryptoTestSupport.hex(SHA256.hash(Array(message.utf8))) == digest)
    }

    @Test func nonContiguousInputMatchesArray() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let lazy = bytes.lazy.map { $0 }  // no contiguous storage: exercises the copying path
        #expect(SHA256.hash(lazy) == SHA256.hash(bytes))
        #expect(SHA256.hash(bytes[10..<500]) == SHA256.hash(Array(bytes[10..<500])))
    }

    @Test func millionA() {
        // FIPS 180-2 Appendix B.3: one million "a".
        let digest = SHA256.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
        #expect(CryptoTestSupport.hex(digest) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}
