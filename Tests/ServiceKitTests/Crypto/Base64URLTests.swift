import Foundation
import Testing
@testable import ServiceKit

@Suite("Base64URL")
struct Base64URLTests {
    // RFC 4648 §10, without padding.
    @Test("RFC 4648 vectors", arguments: [
        ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"),
        ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy"),
    ])
    func rfc4648(plain: String, encoded: String) {
        #expect(Base64URL.encode(plain) == encoded)
        #expect(Base64URL.encode(Array(plain.utf8)) == encoded)
        #expect(Base64URL.decode(encoded) == Array(plain.utf8))
    }

    @Test func urlSafeAlphabet() {
        #expect(Base64URL.encode([0xfb, 0xef, 0xbe] as [UInt8]) == "----")
        #expect(Base64URL.encode([0xff, 0xff, 0xff] as [UInt8]) == "____")
        #expect(Base64URL.encode([0xfb, 0xff] as [UInt8]) == "-_8")
        #expect(Base64URL.decode("-_8") == [0xfb, 0xff])
    }

    @Test func acceptsPadding() {
        #expect(Base64URL.decode("Zg==") == Array("f".utf8))
        #expect(Base64URL.decode("Zm8=") == Array("fo".utf8))
        #expect(Base64URL.decode("Zm9vYg==") == Array("foob".utf8))
        #expect(Base64URL.decode(utf8: Array("Zm9vYmE".utf8)) == Array("fooba".utf8))
        #expect(Base64URL.decode("xZm9v".dropFirst()) == Array("foo".utf8))
    }

    @Test("rejects bad input", arguments: [
        "Zm9v+", "Zm9v/", "Zm 9v", "Zm9v\n", "Z", "Zm9vY", "Zg=", "Zg===", "Z===", "====", "=", "Zm=v",
        "Zh", "Zm9", "Zm8=Zm8=", "é", "Zg==\0",
    ])
    func rejects(text: String) {
        #expect(Base64URL.decode(text) == nil)
    }

    @Test func roundTripsMatchFoundation() {
        for length in 0..<70 {
            let bytes = SecureRandom.bytes(length)
            let encoded = Base64URL.encode(bytes)
            let foundation = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            #expect(encoded == foundation)
            #expect(Base64URL.decode(encoded) == bytes)
            #expect(Base64URL.decode(utf8: Array(encoded.utf8)) == bytes)
        }
    }
}
