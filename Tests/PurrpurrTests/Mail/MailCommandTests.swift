import Foundation
import Testing
@testable import Purrpurr

@Suite("purrpurr mail")
struct MailCommandTests {
    private struct Result {
        var status: Int32
        var output: [String]
        var errors: [String]
        var text: String { output.joined(separator: "\n") }
    }

    private func run(_ arguments: [String]) -> Result {
        var output: [String] = []
        var errors: [String] = []
        let status = MailCommand.run(
            arguments: arguments, environment: [:], output: { output.append($0) }, errorOutput: { errors.append($0) })
        return Result(status: status, output: output, errors: errors)
    }

    /// Writes three messages with known arrival times (oldest first) and returns the folder.
    private func folder() throws -> String {
        let directory = mailTestDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let messages = [
            ("20260101T080000.000-Old00000.eml", "a@x.test", "first", "Plain text, no links."),
            ("20260101T090000.000-Mid00000.eml", "b@x.test", "=?UTF-8?Q?Caf=C3=A9?=",
             "See https://mid.test/a?x=1&y=2."),
            ("20260101T100000.000-New00000.eml", "c@x.test", "Your sign-in link",
             "https://app.test/verify?token=T1\r\nand https://app.test/verify?token=T1 again"),
        ]
        for (name, to, subject, body) in messages {
            let text = "X-Purrpurr-Envelope-From: <no-reply@purrpurr.local>\r\nX-Purrpurr-Envelope-To: <\(to)>\r\n"
                + "Subject: \(subject)\r\n\r\n\(body)\r\n"
            #expect(FileManager.default.createFile(atPath: directory + "/" + name, contents: Data(text.utf8)))
        }
        return directory
    }

    @Test("a missing or empty folder prints a friendly line and exits 0")
    func missingFolder() throws {
        let directory = mailTestDirectory()
        let missing = run(["--dir", directory])
        #expect(missing.status == 0)
        #expect(missing.text.contains("No mail caught yet in \(directory)"))
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(run(["--dir", directory]).status == 0)
        #expect(run(["--dir", directory, "--json"]).output.isEmpty)
    }

    @Test("the list is newest first with envelope, decoded subject and every link once")
    func list() throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = run(["--dir", directory])
        #expect(result.status == 0)
        #expect(result.errors.isEmpty)
        let text = result.text
        #expect(text.hasPrefix("3 messages in \(directory), newest first."))
        let newest = try #require(text.range(of: "New00000"))
        let middle = try #require(text.range(of: "Mid00000"))
        let oldest = try #require(text.range(of: "Old00000"))
        #expect(newest.lowerBound < middle.lowerBound && middle.lowerBound < oldest.lowerBound)
        #expect(text.contains("2026-01-01 10:00:00 UTC  20260101T100000.000-New00000.eml\n"
            + "  From:    no-reply@purrpurr.local\n  To:      c@x.test\n  Subject: Your sign-in link\n"
            + "  Link:    https://app.test/verify?token=T1\n"))
        #expect(text.components(separatedBy: "token=T1").count == 2)
        #expect(text.contains("  Subject: Café\n  Link:    https://mid.test/a?x=1&y=2\n"))
    }

    @Test("CaughtMail.newest finds the latest message, optionally to one recipient")
    func newest() throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try CaughtMail.newest(in: directory)?.subject == "Your sign-in link")
        #expect(try CaughtMail.newest(in: directory, to: "B@x.test")?.links == ["https://mid.test/a?x=1&y=2"])
        #expect(try CaughtMail.newest(in: directory, to: "nobody@x.test") == nil)
        #expect(try CaughtMail.newest(in: directory + "/missing") == nil)
    }

    @Test("--limit keeps the newest N and says so")
    func limit() throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = run(["--limit", "2", "--dir", directory])
        #expect(result.status == 0)
        #expect(result.text.contains("showing the newest 2"))
        #expect(result.text.contains("New00000") && result.text.contains("Mid00000"))
        #expect(!result.text.contains("Old00000"))
    }

    @Test("--json prints one object per message, newest first")
    func json() throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = run(["--dir", directory, "--json", "--limit", "2"])
        #expect(result.status == 0)
        #expect(result.output.count == 2)
        let objects = try result.output.map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(objects[0]["name"] as? String == "20260101T100000.000-New00000.eml")
        #expect(objects[0]["date"] as? String == "2026-01-01T10:00:00.000Z")
        #expect(objects[0]["from"] as? String == "no-reply@purrpurr.local")
        #expect(objects[0]["to"] as? [String] == ["c@x.test"])
        #expect(objects[0]["subject"] as? String == "Your sign-in link")
        #expect(objects[0]["links"] as? [String] == ["https://app.test/verify?token=T1"])
        #expect(objects[1]["subject"] as? String == "Café")
        #expect(objects[1]["links"] as? [String] == ["https://mid.test/a?x=1&y=2"])
    }

    @Test("show NAME prints the decoded text part, with or without .eml")
    func show() throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for name in ["20260101T090000.000-Mid00000", "20260101T090000.000-Mid00000.eml"] {
            let result = run(["show", name, "--dir", directory])
            #expect(result.status == 0)
            #expect(result.output == ["See https://mid.test/a?x=1&y=2."])
        }
        let missing = run(["--dir", directory, "show", "nope"])
        #expect(missing.status == 1)
        #expect(missing.errors == ["purrpurr mail: no message named nope in \(directory)"])
    }

    @Test("show prints the HTML part when there is no text part")
    func showHTML() throws {
        let directory = mailTestDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let message = "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + Data("<p>Hi</p>\n".utf8).base64EncodedString() + "\r\n"
        #expect(FileManager.default.createFile(atPath: directory + "/m.eml", contents: Data(message.utf8)))
        #expect(run(["--dir", directory, "show", "m"]).output == ["<p>Hi</p>"])
    }

    @Test("bad arguments are usage errors (64)", arguments: [
        ["--limit", "0"], ["--limit"], ["--dir"], ["--frob"], ["show"], ["show", "../etc/passwd"],
        ["show", "a", "b"], ["list"], ["show", "a", "--json"],
    ])
    func usage(arguments: [String]) {
        let result = run(arguments)
        #expect(result.status == CommandLineTool.usageStatus)
        #expect(result.errors.count == 1 && result.errors[0].hasPrefix("purrpurr mail: "))
    }
}
