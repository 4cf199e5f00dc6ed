import Contracts
import Foundation
import Testing
import Wire
@testable import IdentityService
@testable import ServiceKit

@Suite("Identity values")
struct IdentityValuesTests {
    @Test("emails are trimmed, lower-cased and loosely validated", arguments: [
        (" Ada@Example.COM\n", "ada@example.com"), ("JÖRG@Bücher.Example", "jörg@bücher.example"),
        ("o'brien+x@example.co.uk", "o'brien+x@example.co.uk"),
    ])
    func normalize(raw: String, expected: String) throws {
        #expect(try IdentityEmail.normalize(raw) == expected)
    }

    @Test("bad emails are VALIDATION_FAILED on the email field", arguments: [
        "", "   ", "plain", "a@b", "@example.com", "a@@example.com", "a@example..com", "a b@example.com",
        "a@example.com\u{0}", "<a>@example.com", String(repeating: "a", count: 65) + "@example.com",
        "a@" + String(repeating: "b", count: 250) + ".com",
    ])
    func invalid(raw: String) {
        #expect(throws: PublicError.validation("email", "The email address is not valid.")) { try IdentityEmail.normalize(raw) }
    }

    @Test("password hashes round-trip; malformed or oversized ones are refused")
    func hashFormat() throws {
        let hash = PasswordHash(parameters: .init(n: 32768, r: 8, p: 1), salt: Array(repeating: 1, count: 16), hash: Array(repeating: 2, count: 32))
        #expect(hash.encoded.hasPrefix("scrypt$32768$8$1$"))
        #expect(PasswordHash(encoded: hash.encoded) == hash)
        for bad in ["", "scrypt$32768$8$1$AQ$Ag", "bcrypt$32768$8$1$x$y", "scrypt$1000$8$1$" + hash.encoded.split(separator: "$")[4] + "$" + hash.encoded.split(separator: "$")[5],
                    hash.encoded.replacingOccurrences(of: "$32768$", with: "$4194304$")] {
            #expect(PasswordHash(encoded: bad) == nil)
        }
    }

    @Test("hash and verify; weaker stored parameters ask for a rehash")
    func hasher() async throws {
        let weak = PasswordHasher(uncheckedParameters: .init(n: 1 << 10, r: 8, p: 1), concurrency: 2)
        let strong = PasswordHasher(uncheckedParameters: .init(n: 1 << 11, r: 8, p: 1), concurrency: 2)
        let stored = try await weak.hash("correct horse")
        #expect(try await weak.hash("correct horse") != stored)
        #expect(try await weak.verify("correct horse", against: stored) == .match(needsRehash: false))
        #expect(try await strong.verify("correct horse", against: stored) == .match(needsRehash: true))
        #expect(try await weak.verify("wrong horse", against: stored) == .mismatch)
        #expect(try await weak.verify("correct horse", against: nil) == .mismatch)
        #expect(try await weak.verify("correct horse", against: "garbage") == .mismatch)
        #expect(try await weak.verify("correct horse", against: try await strong.hash("correct horse")) == .match(needsRehash: false))
    }

    @Test("ids are prefixed base62; refresh tokens are 32 random bytes")
    func ids() {
        let id = RandomIdentifier.make("usr")
        #expect(id.hasPrefix("usr_") && id.count == 26)
        #expect(id.dropFirst(4).allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
        #expect(RandomIdentifier.make("ses") != RandomIdentifier.make("ses"))
        let token = RefreshToken.generate()
        #expect(RefreshToken.isWellFormed(token.text) && Base64URL.decode(token.text)?.count == 32)
        #expect(!RefreshToken.isWellFormed(token.text + "A") && !RefreshToken.isWellFormed(""))
    }

    @Test("user cursors round-trip and refuse garbage")
    func cursors() {
        let cursor = UserCursor.encode(micros: 1_700_000_000_123_456, id: "usr_abc")
        #expect(UserCursor.decode(cursor)! == (1_700_000_000_123_456, "usr_abc"))
        #expect(UserCursor.decode("garbage!") == nil)
        #expect(UserCursor.decode(Base64URL.encode("12")) == nil)
    }

    @Test("a manual clock moves only when told")
    func clock() {
        let (clock, advance) = IdentityClock.manual(start: Date(timeIntervalSince1970: 100))
        #expect(clock.now() == Date(timeIntervalSince1970: 100))
        advance(5)
        #expect(clock.now() == Date(timeIntervalSince1970: 105))
    }
}
