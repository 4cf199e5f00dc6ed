import Foundation
import Testing
@testable import ServiceKit

@Suite("JSONLogFormat")
struct JSONLogFormatTests {
    private func line(_ record: LogRecord, service: String = "router") -> String {
        String(decoding: JSONLogFormat.line(for: record, service: service), as: UTF8.self)
    }

    @Test("fields come in order: ts, level, service, msg, request_id, then sorted fields")
    func shape() throws {
        let date = Date(timeIntervalSince1970: 1_700_000_000.123_9)
        let record = LogRecord(timestamp: date, level: .notice, message: "call accepted", metadata: [
            .wireMethod: "vault.get", .requestID: "req-1", .projectID: .int(42), .errorType: .bool(false),
        ])
        #expect(line(record) == #"{"ts":"2023-11-14T22:13:20.123Z","level":"notice","service":"router","msg":"call accepted","request_id":"req-1","error.type":false,"project.id":42,"wire.method":"vault.get"}"# + "\n")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line(record).utf8)) as? [String: Any])
        #expect(object["request_id"] as? String == "req-1")
        #expect(object["request.id"] == nil)
    }

    @Test("without a request id there is no request_id field")
    func noRequestID() {
        let record = LogRecord(timestamp: Date(timeIntervalSince1970: 0), level: .info, message: "started")
        #expect(line(record) == #"{"ts":"1970-01-01T00:00:00.000Z","level":"info","service":"router","msg":"started"}"# + "\n")
    }

    @Test("timestamps are RFC 3339 UTC with milliseconds, also before 1970")
    func timestamps() {
        var out: [UInt8] = []
        JSONLogFormat.appendTimestamp(Date(timeIntervalSince1970: -0.5), to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "1969-12-31T23:59:59.500Z")
        out = []
        JSONLogFormat.appendTimestamp(Date(timeIntervalSince1970: 951_782_400.999), to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "2000-02-29T00:00:00.999Z")
    }

    @Test("strings are escaped: quotes, backslash, control characters; non-ASCII stays UTF-8")
    func escaping() throws {
        var out: [UInt8] = []
        JSONLogFormat.appendString("a\"b\\c\nd\re\tf\u{8}\u{C}\u{0}\u{1F}\u{7F}é✓🐈", to: &out)
        #expect(String(decoding: out, as: UTF8.self) == #""a\"b\\c\nd\re\tf\b\f\u0000\u001f\u007fé✓🐈""#)
        let record = LogRecord(level: .info, message: "m\"\n", metadata: [LogKey("k\"ey"): "v\u{1}"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line(record).utf8)) as? [String: Any])
        #expect(object["msg"] as? String == "m\"\n")
        #expect(object["k\"ey"] as? String == "v\u{1}")
    }

    @Test("values: numbers, booleans, non-finite doubles as strings, redacted as ***")
    func values() {
        func render(_ value: LogValue) -> String {
            var out: [UInt8] = []
            JSONLogFormat.appendValue(value, to: &out)
            return String(decoding: out, as: UTF8.self)
        }
        #expect(render(.int(-7)) == "-7")
        #expect(render(.double(0.25)) == "0.25")
        #expect(render(.double(.infinity)) == #""inf""#)
        #expect(render(.double(.nan)) == #""nan""#)
        #expect(render(.bool(true)) == "true")
        #expect(render(.redacted) == #""***""#)
    }
}
