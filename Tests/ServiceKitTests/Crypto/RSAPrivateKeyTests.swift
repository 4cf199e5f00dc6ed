import Foundation
import Testing
@testable import ServiceKit

@Suite("RSA private key (rsa-sha256)")
struct RSAPrivateKeyTests {
    @Test("a new key is 2048 bits; its DER restores the same key, which signs the same bytes")
    func roundTrip() throws {
        let key = try RSAPrivateKey(bits: 2048)
        #expect(key.bits == 2048)
        let restored = try RSAPrivateKey(derRepresentation: key.derRepresentation)
        #expect(restored.publicKeyDER == key.publicKeyDER)
        let message = Array("from:a@b.test\r\n".utf8)
        let signature = try key.sha256Signature(for: message)
        #expect(signature.count == 256)
        #expect(try restored.sha256Signature(for: message) == signature)
        #expect(!key.description.contains(Data(key.derRepresentation).base64EncodedString().prefix(16)))
        #expect(!CryptoOpenSSL.hasQueuedErrors)
    }

    @Test("openssl's own verifier accepts the signature with the SubjectPublicKeyInfo")
    func opensslVerifies() throws {
        let key = try RSAPrivateKey()
        let message = Array("the canonical header block".utf8)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rsa-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = ["key.der": key.publicKeyDER, "message": message, "signature": try key.sha256Signature(for: message)]
        for (name, bytes) in files { try Data(bytes).write(to: directory.appendingPathComponent(name)) }
        func verify(_ messageFile: String) throws -> Int32 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            process.arguments = ["dgst", "-sha256", "-keyform", "DER", "-verify", "key.der", "-signature", "signature", messageFile]
            process.currentDirectoryURL = directory
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus
        }
        #expect(try verify("message") == 0)
        try Data(Array("the canonical header blocK".utf8)).write(to: directory.appendingPathComponent("other"))
        #expect(try verify("other") != 0)
    }

    @Test("refuses other sizes and bytes that are not an RSA key, leaving no OpenSSL error behind")
    func refusals() throws {
        #expect(throws: CryptoError(.invalidParameter)) { try RSAPrivateKey(bits: 1024) }
        #expect(throws: CryptoError.self) { try RSAPrivateKey(derRepresentation: [0x30, 0x03, 0x02, 0x01, 0x00]) }
        #expect(throws: CryptoError.self) { try RSAPrivateKey(derRepresentation: []) }
        #expect(!CryptoOpenSSL.hasQueuedErrors)
    }
}
