import Foundation
import Testing
@testable import ServiceKit

@Suite("EnvironmentReader")
struct EnvironmentReaderTests {
    private enum Color: String, CaseIterable { case red, green }

    @Test("a missing required value is named with what was expected")
    func missing() throws {
        var reader = EnvironmentReader([:])
        #expect(reader.requiredString("NAME", expected: "a name") == nil)
        let error = try #require(throws: ConfigurationError.self) { try reader.finish() }
        #expect(error.lines(service: "router") == ["router: invalid configuration: NAME is missing (expected a name)"])
    }

    @Test("an empty value counts as unset")
    func emptyIsUnset() {
        var reader = EnvironmentReader(["A": "", "B": ""])
        #expect(reader.requiredString("A", expected: "text") == nil)
        #expect(reader.port("B", default: 8080) == 8080)
        #expect(reader.problems.map(\.variable) == ["A"])
    }

    @Test("every problem is collected, in reading order")
    func severalAtOnce() throws {
        var reader = EnvironmentReader(["PORT": "http", "LEVEL": "loud", "COUNT": "500"])
        _ = reader.port("PORT", default: 1)
        _ = reader.enumeration("LEVEL", default: Color.red)
        _ = reader.integer("COUNT", default: 1, range: 1...10)
        _ = reader.secret("TOKEN", minimumLength: 8)
        let error = try #require(throws: ConfigurationError.self) { try reader.finish() }
        #expect(error.variables == ["PORT", "LEVEL", "COUNT", "TOKEN"])
        #expect(error.problems.map(\.kind) == [.malformed, .malformed, .outOfRange, .missing])
        #expect(error.problems[1].description == "LEVEL is malformed (expected one of red|green)")
        #expect(error.problems[2].description == "COUNT is out of range (expected an integer from 1 to 10)")
    }

    @Test("integers are rejected or clamped when out of range")
    func integerRange() {
        var reader = EnvironmentReader(["LOW": "-5", "HIGH": "99", "OK": " 7 "])
        #expect(reader.integer("LOW", default: 3, range: 0...10, outOfRange: .clamp) == 0)
        #expect(reader.integer("HIGH", default: 3, range: 0...10, outOfRange: .clamp) == 10)
        #expect(reader.integer("OK", default: 3, range: 0...10) == 7)
        #expect(reader.problems.isEmpty)
        #expect(reader.integer("HIGH", default: 3, range: 0...10) == 3)
        #expect(reader.problems.map(\.kind) == [.outOfRange])
    }

    @Test("ports", arguments: [("0", 0, true), ("65535", 65535, true), ("65536", 8080, false), ("-1", 8080, false), ("80a", 8080, false)])
    func ports(text: String, value: Int, valid: Bool) {
        var reader = EnvironmentReader(["PORT": text])
        #expect(reader.port("PORT", default: 8080) == value)
        #expect(reader.problems.isEmpty == valid)
    }

    @Test("durations in seconds accept fractions and check the range")
    func durations() {
        var reader = EnvironmentReader(["A": "2.5", "B": "301", "C": "soon", "D": "nan"])
        #expect(reader.duration("A", default: .seconds(1), range: 0...300) == .milliseconds(2500))
        #expect(reader.duration("B", default: .seconds(1), range: 0...300) == .seconds(1))
        #expect(reader.duration("C", default: .seconds(1), range: 0...300) == .seconds(1))
        #expect(reader.duration("D", default: .seconds(1), range: 0...300) == .seconds(1))
        #expect(reader.duration("UNSET", default: .seconds(10), range: 0...300) == .seconds(10))
        #expect(reader.problems.map(\.kind) == [.outOfRange, .malformed, .malformed])
        #expect(reader.problems[0].expected == "a number of seconds from 0 to 300")
    }

    @Test("URLs must use an allowed scheme", arguments: [
        ("postgres://u:p@db:5432/app", true), ("POSTGRESQL://db/app", true), ("postgresql:///app?host=/tmp", true),
        ("mysql://db/app", false), ("postgres:db", false), ("not a url", false), ("db/app", false),
    ])
    func urls(text: String, valid: Bool) {
        var reader = EnvironmentReader(["URL": text])
        let url = reader.url("URL", schemes: ["postgres", "postgresql"], expected: "a postgres URL")
        #expect((url != nil) == valid)
        #expect(reader.problems.isEmpty == valid)
    }

    @Test("enumerations match case-insensitively and default when unset")
    func enumerations() {
        var reader = EnvironmentReader(["C": "GREEN"])
        #expect(reader.enumeration("C", default: Color.red) == .green)
        #expect(reader.enumeration("UNSET", default: Color.red) == .red)
        #expect(reader.problems.isEmpty)
    }

    @Test("file paths must name an existing file")
    func files() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("env-\(UUID().uuidString)").path
        try Data("x".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var reader = EnvironmentReader(["FILE": path, "GONE": path + ".gone", "DIR": "/tmp"])
        #expect(reader.existingFile("FILE") == path)
        #expect(reader.existingFile("GONE") == nil)
        #expect(reader.existingFile("DIR") == nil)
        #expect(reader.existingFile("UNSET") == nil)
        #expect(reader.problems.map(\.kind) == [.notFound, .notFound, .missing])
    }

    @Test("secrets check their length and never show their value")
    func secrets() throws {
        let value = "short-secret-value"
        var reader = EnvironmentReader(["TOKEN": value, "LONG": String(repeating: "k", count: 32)])
        #expect(reader.secret("TOKEN", minimumLength: 32) == nil)
        let maybeLong = reader.secret("LONG", minimumLength: 32)
        let long = try #require(maybeLong)
        #expect(long.value.count == 32)
        let error = try #require(throws: ConfigurationError.self) { try reader.finish() }
        #expect(error.problems.map(\.kind) == [.tooShort])
        #expect(!error.description.contains(value))
        #expect(!error.lines(service: "x").joined().contains(value))
    }

    @Test("malformed values are not echoed in problems")
    func valuesNotEchoed() throws {
        var reader = EnvironmentReader(["DATABASE_URL": "mysql://admin:hunter2@db/app"])
        _ = reader.databaseURL()
        let error = try #require(throws: ConfigurationError.self) { try reader.finish() }
        #expect(error.lines(service: "router") == [
            "router: invalid configuration: DATABASE_URL is malformed (expected a postgres:// or postgresql:// URL)",
        ])
    }

    @Test("shared variables have their documented defaults")
    func sharedDefaults() {
        var reader = EnvironmentReader([:])
        #expect(reader.logLevel() == .info)
        #expect(reader.drainTimeout() == .seconds(10))
        #expect(reader.databaseURL() == nil)
        #expect(reader.problems.map(\.variable) == ["DATABASE_URL"])
    }
}
