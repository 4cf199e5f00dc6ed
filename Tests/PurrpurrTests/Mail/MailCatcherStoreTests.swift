import Foundation
import Testing
@testable import Purrpurr

@Suite("MailCatcherStore")
struct MailCatcherStoreTests {
    private func mode(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test("file names are the UTC arrival time to the millisecond and 8 base62 characters; the time reads back")
    func naming() throws {
        let date = Date(timeIntervalSince1970: 1_767_323_045.006)  // 2026-01-02T03:04:05.006Z
        let name = MailCatcherStore.fileName(at: date, suffix: "AbCd0123")
        #expect(name == "20260102T030405.006-AbCd0123.eml")
        let back = try #require(MailCatcherStore.date(fromFileName: name))
        #expect(abs(back.timeIntervalSince(date)) < 0.0005)
        #expect(MailCatcherStore.date(fromFileName: "hello.eml") == nil)
        let suffixes = (0..<20).map { _ in MailCatcherStore.randomSuffix() }
        #expect(Set(suffixes).count == 20)
        #expect(suffixes.allSatisfy { $0.count == 8 && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } })
    }

    @Test("store creates the folder 0700, writes the file 0600 with the envelope headers, leaves no temporary file")
    func store() throws {
        let root = mailTestDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = MailCatcherStore(directory: root + "/a/mail")
        let envelope = MailCatcherEnvelope(
            from: "", recipients: ["x@a.test", "y@b.test", "z@c.test"], content: Array("Subject: s\r\n\r\nhi\r\n".utf8))
        let name = try store.store(envelope)
        #expect(name.hasSuffix(".eml") && name.count == "20260102T030405.006-AbCd0123.eml".count)
        #expect(try mode(root + "/a/mail") == 0o700)
        #expect(try mode(root + "/a/mail/" + name) == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/a/mail") == [name])
        let text = try String(contentsOfFile: root + "/a/mail/" + name, encoding: .utf8)
        #expect(text == "X-Purrpurr-Envelope-From: <>\r\nX-Purrpurr-Envelope-To: <x@a.test>,\r\n <y@b.test>,\r\n"
            + " <z@c.test>\r\nSubject: s\r\n\r\nhi\r\n")
        let mail = try CaughtMail(contentsOf: root + "/a/mail/" + name)
        #expect(mail.envelopeFrom == "")
        #expect(mail.envelopeTo == ["x@a.test", "y@b.test", "z@c.test"])
        #expect(mail.subject == "s")
        #expect(mail.date != nil)
    }

    @Test("a folder that cannot be made is a Failure, and nothing is left behind")
    func failure() throws {
        let root = mailTestDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(FileManager.default.createFile(atPath: root, contents: Data()))
        let store = MailCatcherStore(directory: root + "/mail")
        #expect(throws: MailCatcherStore.Failure.self) {
            try store.store(MailCatcherEnvelope(from: "a", recipients: ["b"], content: []))
        }
        #expect(throws: MailCatcherStore.Failure.self) { try store.prepareDirectory() }
    }

    @Test("readers skip the hidden temporary files a write in progress uses")
    func hiddenTemporaryFiles() throws {
        let root = mailTestDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let temporary = root + "/.20260102T030405.006-AbCd0123.eml.tmp"
        #expect(FileManager.default.createFile(atPath: temporary, contents: Data()))
        #expect(FileManager.default.createFile(atPath: root + "/.hidden.eml", contents: Data()))
        #expect(FileManager.default.createFile(atPath: root + "/notes.txt", contents: Data()))
        #expect(try CaughtMail.files(in: root).isEmpty)
    }
}
