import Foundation

/// A real authoritative DNS server for tests: `Tests/Fixtures/dns/dns_server.py` (Debian's `python3-dnslib`)
/// on a loopback port (UDP and TCP), answering from a records file the test may rewrite at any time.
///
/// ```swift
/// let dns = try await DNSTestServer.start(["mail.example.test": ["TXT": ["v=spf1 include:_spf.x ~all"]]])
/// // COMMS_DNS_RESOLVER = dns.address
/// try dns.setRecords([:])   // every name NXDOMAIN from now on
/// ```
///
/// The process is killed when the value is released.
final class DNSTestServer: Sendable {
    /// The records: name → `{"TXT": [values], "CNAME": target, "RCODE": "SERVFAIL"}`.
    typealias Records = [String: [String: any Sendable]]

    /// The port, on 127.0.0.1.
    let port: Int
    private let recordsPath: String
    private let process: Process

    private init(port: Int, recordsPath: String, process: Process) {
        self.port = port
        self.recordsPath = recordsPath
        self.process = process
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: recordsPath)
    }

    /// `127.0.0.1:<port>`, for `COMMS_DNS_RESOLVER`.
    var address: String { "127.0.0.1:\(port)" }

    /// Replaces the records (read again by the server on every query).
    func setRecords(_ records: Records) throws {
        let data = try JSONSerialization.data(withJSONObject: records)
        try data.write(to: URL(fileURLWithPath: recordsPath), options: .atomic)
    }

    /// Starts the fixture with `records` and waits until it listens.
    static func start(_ records: Records = [:]) async throws -> DNSTestServer {
        let recordsPath = FileManager.default.temporaryDirectory.appendingPathComponent("dns-\(UUID().uuidString).json").path
        let data = try JSONSerialization.data(withJSONObject: records)
        try data.write(to: URL(fileURLWithPath: recordsPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: SMTPTestServer.pythonPath)
        process.arguments = (SMTPTestServer.pythonPath == "/usr/bin/env" ? ["python3"] : [])
            + [fixture("dns/dns_server.py"), "--records", recordsPath]
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // The first line is "PORT <n>"; read it off the pool's threads.
        let line = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var bytes = Data()
                while !bytes.contains(10) {
                    let chunk = output.fileHandleForReading.availableData
                    if chunk.isEmpty { break }
                    bytes.append(chunk)
                }
                continuation.resume(returning: String(decoding: bytes, as: UTF8.self))
            }
        }
        guard line.hasPrefix("PORT "), let port = Int(line.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            throw SMTPTestServerError(message: "the DNS fixture did not start (is python3-dnslib installed?)")
        }
        return DNSTestServer(port: port, recordsPath: recordsPath, process: process)
    }

    /// `Tests/Fixtures/<path>`, found from this file.
    static func fixture(_ path: String) -> String {
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/" + path).path
    }
}
