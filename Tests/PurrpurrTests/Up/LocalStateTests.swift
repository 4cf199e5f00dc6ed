import Foundation
import Testing
@testable import Purrpurr

@Suite("LocalState")
struct LocalStateTests {
    private func temporaryPath() -> String {
        NSTemporaryDirectory() + "purrpurr-state-\(UUID().uuidString).json"
    }

    @Test("the first load generates and saves owner-only secrets; the second load returns the same")
    func roundTrip() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = try LocalState.loadOrCreate(at: path)
        #expect(first.adminToken.count == 64 && first.apiKeyPepper.count == 64)
        #expect(Data(base64Encoded: first.identityMasterKey)?.count == 32)
        #expect(Data(base64Encoded: first.commsMasterKey)?.count == 32)
        #expect(first.webhookSecrets["email"]?.hasPrefix("whsec_") == true)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        #expect(try LocalState.loadOrCreate(at: path) == first)
        #expect(LocalState.generate() != first)
    }

    @Test("a malformed file is an error and is left untouched")
    func malformed() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: LauncherError.self) { try LocalState.loadOrCreate(at: path) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{not json")
    }
}
