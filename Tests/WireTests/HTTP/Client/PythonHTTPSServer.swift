import Foundation

@testable import Wire

/// Python's `http.server` over TLS (`Tests/Fixtures/http/https_server.py`) as a child process, serving a
/// certificate from a test CA for `dnsNames`. Stop it with ``stop()``.
final class PythonHTTPSServer: Sendable {
    /// The port it listens on (127.0.0.1).
    let port: Int
    private let process: Process
    private let directory: URL

    private init(port: Int, process: Process, directory: URL) {
        self.port = port
        self.process = process
        self.directory = directory
    }

    /// Starts the server with a leaf certificate `ca` issues for `dnsNames`.
    static func start(ca: CertificateAuthority, dnsNames: [String]) async throws -> PythonHTTPSServer {
        let leaf = try ca.issue(serviceName: dnsNames[0], dnsNames: dnsNames, ipAddresses: [], validity: .days(1))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("https-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let cert = directory.appendingPathComponent("cert.pem")
        let key = directory.appendingPathComponent("key.pem")
        let portFile = directory.appendingPathComponent("port")
        try leaf.certificatePEM.write(to: cert, atomically: true, encoding: .utf8)
        try leaf.privateKeyPEM.write(to: key, atomically: true, encoding: .utf8)
        let script = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/http/https_server.py")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [script.path, cert.path, key.path, portFile.path]
        process.standardInput = FileHandle.nullDevice
        try process.run()
        for _ in 0..<1000 where process.isRunning {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), let port = Int(text) {
                return PythonHTTPSServer(port: port, process: process, directory: directory)
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        throw CocoaError(.fileReadNoSuchFile)
    }

    /// Kills the process (SIGKILL: a child of Foundation's `Process` may have SIGTERM blocked) and removes
    /// its files.
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }
}
