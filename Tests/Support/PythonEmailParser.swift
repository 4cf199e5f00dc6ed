import Foundation

/// What Python's `email` package (policy `default`) makes of a rendered message: an independent MIME parser
/// that checks the renderer's output.
struct PythonParsedMail: Decodable {
    struct Address: Decodable, Equatable {
        var name: String
        var address: String
    }
    struct Part: Decodable {
        var contentType: String
        var charset: String?
        var transferEncoding: String?
        var body: String
    }
    var subject: String
    var from: [Address]
    var replyTo: [Address]?
    var to: [Address]
    var messageID: String?
    var date: String?
    var contentType: String
    var listUnsubscribe: String?
    var listUnsubscribePost: String?
    var extra: [String: String]
    var parts: [Part]
    var defects: [String]
    var longestLine: Int
    var lineEndsAllCRLF: Bool
}

/// Runs `python3` on rendered messages.
enum PythonEmailParser {
    /// Whether `python3` can be started (the tests using it are skipped otherwise).
    static let isAvailable: Bool = (try? run(script: "print('ok')", input: [])) == "ok\n"

    /// Parses `message` with `email.message_from_bytes(…, policy=email.policy.default)`.
    static func parse(_ message: [UInt8]) throws -> PythonParsedMail {
        let output = try run(script: script, input: message)
        return try JSONDecoder().decode(PythonParsedMail.self, from: Data(output.utf8))
    }

    /// Runs `script` with `input` on stdin and returns stdout (throws with stderr when it fails).
    static func run(script: String, input: [UInt8]) throws -> String {
        try run(executable: "/usr/bin/env", arguments: ["python3", "-c", script], input: input)
    }

    /// Runs `executable` with `arguments` and `input` on stdin and returns stdout (throws with stderr when it fails).
    static func run(executable: String, arguments: [String], input: [UInt8]) throws -> String {
        let inputURL = FileManager.default.temporaryDirectory
            .appendingPathComponent("mime-test-\(UUID().uuidString).eml")
        try Data(input).write(to: inputURL)
        defer { try? FileManager.default.removeItem(at: inputURL) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = try FileHandle(forReadingFrom: inputURL)
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PythonFailure(message: String(decoding: stderr, as: UTF8.self))
        }
        return String(decoding: stdout, as: UTF8.self)
    }

    struct PythonFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { "python3 failed: \(message)" }
    }

    private static let script = #"""
import sys, json, email, email.policy
raw = sys.stdin.buffer.read()
msg = email.message_from_bytes(raw, policy=email.policy.default)
def addrs(name):
    h = msg[name]
    if h is None: return None
    return [{"name": a.display_name, "address": a.addr_spec} for a in h.addresses]
defects = [type(d).__name__ for d in msg.defects]
for key in msg.keys():
    defects += [key + ":" + type(d).__name__ for d in msg[key].defects]
parts = []
for part in (msg.iter_parts() if msg.is_multipart() else [msg]):
    defects += [type(d).__name__ for d in part.defects]
    parts.append({"contentType": part.get_content_type(), "charset": part.get_content_charset(),
                  "transferEncoding": part.get("Content-Transfer-Encoding"),
                  "body": part.get_content().replace("\r\n", "\n")})
lines = raw.split(b"\r\n")
known = {"date", "message-id", "from", "reply-to", "to", "subject", "mime-version", "content-type",
         "content-transfer-encoding", "list-unsubscribe", "list-unsubscribe-post"}
print(json.dumps({
    "subject": str(msg["Subject"]), "from": addrs("From"), "replyTo": addrs("Reply-To"), "to": addrs("To"),
    "messageID": msg["Message-ID"], "date": msg["Date"], "contentType": msg.get_content_type(),
    "listUnsubscribe": msg["List-Unsubscribe"], "listUnsubscribePost": msg["List-Unsubscribe-Post"],
    "extra": {k: str(v) for k, v in msg.items() if k.lower() not in known},
    "parts": parts, "defects": defects, "longestLine": max(len(l) for l in lines),
    "lineEndsAllCRLF": b"\n" not in raw.replace(b"\r\n", b"") and b"\r" not in raw.replace(b"\r\n", b""),
}))
"""#
}
