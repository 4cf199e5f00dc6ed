import ServiceKit
import Testing
@testable import IdentityService

@Suite("Link secrets")
struct LinkSecretTests {
    @Test("tokens carry 32 random bytes; codes are six digits; both vary")
    func shapes() {
        let secrets = (0..<200).map { _ in LinkSecret.generate() }
        for secret in secrets {
            #expect(LinkSecret.isWellFormedToken(secret.token))
            #expect(Base64URL.decode(secret.token)?.count == 32)
            #expect(LinkSecret.isWellFormedCode(secret.code))
            #expect(secret.codeSalt.count == 32)
        }
        #expect(Set(secrets.map(\.token)).count == 200)
        #expect(Set(secrets.map(\.code)).count > 190)
        #expect(Set(secrets.map { $0.code.first! }).count > 5)
    }

    @Test("malformed tokens and codes are recognised", arguments: ["", "12345", "1234567", "12a456", "١٢٣٤٥٦", " 12345"])
    func malformedCodes(_ code: String) {
        #expect(!LinkSecret.isWellFormedCode(code))
    }

    @Test("the code hash depends on the code, the salt and the key")
    func codeHash() {
        let salt = SecureRandom.bytes(32)
        let key = SecureRandom.bytes(32)
        let base = LinkSecret.codeHash(code: "123456", salt: salt, key: key)
        #expect(base == LinkSecret.codeHash(code: "123456", salt: salt, key: key))
        #expect(base != LinkSecret.codeHash(code: "123457", salt: salt, key: key))
        #expect(base != LinkSecret.codeHash(code: "123456", salt: SecureRandom.bytes(32), key: key))
        #expect(base != LinkSecret.codeHash(code: "123456", salt: salt, key: nil))
        #expect(!LinkSecret.isWellFormedToken("abc"))
        #expect(LinkSecret.tokenHash("abc") == SHA256.hash("abc"))
    }
}
