import Testing
@testable import ServiceKit

@Suite("Scrypt")
struct ScryptTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        var password: String
        var salt: String
        var n: UInt64
        var r: UInt32
        var p: UInt32
        var derivedKey: String
        var testDescription: String { "N=\(n) r=\(r) p=\(p)" }
    }

    // RFC 7914 §12 (the fourth vector, N = 2^20, needs 1 GiB and is left out on the shared machine).
    static let vectors: [Vector] = [
        Vector(
            password: "", salt: "", n: 16, r: 1, p: 1,
            derivedKey: "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
                + "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906"
        ),
        Vector(
            password: "password", salt: "NaCl", n: 1024, r: 8, p: 16,
            derivedKey: "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
                + "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"
        ),
        Vector(
            password: "pleaseletmein", salt: "SodiumChloride", n: 16384, r: 8, p: 1,
            derivedKey: "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2"
                + "d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887"
        ),
    ]

    @Test("RFC 7914 §12", arguments: vectors)
    func rfc7914(vector: Vector) throws {
        let key = try Scrypt.deriveKey(
            password: vector.password, salt: Array(vector.salt.utf8),
            n: vector.n, r: vector.r, p: vector.p, length: 64
        )
        #expect(CryptoTestSupport.hex(key) == vector.derivedKey)
        let fromBytes = try Scrypt.deriveKey(
            password: Array(vector.password.utf8), salt: Array(vector.salt.utf8),
            n: vector.n, r: vector.r, p: vector.p, length: 64
        )
        #expect(fromBytes == key)
    }

    @Test func productionCostFitsTheMemoryCeiling() throws {
        // N = 2^15, r = 8 needs 32 MiB, above OpenSSL's 32 MiB default ceiling once B is counted.
        let key = try Scrypt.deriveKey(password: "hunter2", salt: SecureRandom.bytes(16), n: 1 << 15, r: 8, p: 1, length: 32)
        #expect(key.count == 32)
    }

    struct Parameters: Sendable, CustomTestStringConvertible {
        var n: UInt64
        var r: UInt32
        var p: UInt32
        var length: Int
        var why: String
        var testDescription: String { why }
    }

    static let invalid: [Parameters] = [
        Parameters(n: 0, r: 8, p: 1, length: 32, why: "N = 0"),
        Parameters(n: 1, r: 8, p: 1, length: 32, why: "N = 1"),
        Parameters(n: 1000, r: 8, p: 1, length: 32, why: "N not a power of two"),
        Parameters(n: 1 << 14, r: 0, p: 1, length: 32, why: "r = 0"),
        Parameters(n: 1 << 14, r: 8, p: 0, length: 32, why: "p = 0"),
        Parameters(n: 1 << 14, r: 8, p: 1, length: 0, why: "empty output"),
        Parameters(n: 1 << 16, r: 1, p: 1, length: 32, why: "N not below 2^(16r)"),
        Parameters(n: 1 << 14, r: 1 << 20, p: 1 << 10, length: 32, why: "p·r ≥ 2^30"),
        Parameters(n: 1 << 40, r: 8, p: 1, length: 32, why: "memory beyond the ceiling"),
        Parameters(n: 1 << 63, r: 8, p: 1, length: 32, why: "memory overflows"),
    ]

    @Test("invalid parameters", arguments: invalid)
    func invalidParameters(_ parameters: Parameters) {
        #expect(throws: CryptoError(.invalidParameter)) {
            try Scrypt.deriveKey(
                password: "pw", salt: [UInt8](),
                n: parameters.n, r: parameters.r, p: parameters.p, length: parameters.length
            )
        }
    }

    @Test func memoryEstimateMatchesOpenSSL() throws {
        #expect(try Scrypt.requiredMemory(n: 1 << 15, r: 8, p: 1, length: 32) == 128 * 8 * ((1 << 15) + 2 + 1))
        #expect(try Scrypt.requiredMemory(n: 1 << 17, r: 8, p: 1, length: 32) == 128 * 8 * ((1 << 17) + 2 + 1))
    }
}
