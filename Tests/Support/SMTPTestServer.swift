import Foundation
import Synchronization
import Wire

/// A message the fixture accepted, read back from its maildir.
struct ReceivedMail: Sendable, Hashable, Decodable {
    /// The MAIL FROM address.
    var mailFrom: String
    /// The accepted RCPT TO addresses, in order.
    var rcptTos: [String]
    /// The message exactly as received, after the server removed dot-stuffing (ends with CRLF).
    var data: [UInt8]
    /// 1-based number of the TCP connection the message came on (same number: same connection).
    var connection: Int
    /// Whether that connection was encrypted (STARTTLS or implicit TLS).
    var tls: Bool
    /// The AUTH login, if the client authenticated.
    var authUser: String?

    /// `data` as UTF-8 text.
    var text: String { String(decoding: data, as: UTF8.self) }

    private enum CodingKeys: String, CodingKey {
        case mailFrom = "mail_from", rcptTos = "rcpt_tos", dataBase64 = "data_base64", connection, tls
        case authUser = "auth_user"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.mailFrom = try container.decode(String.self, forKey: .mailFrom)
        self.rcptTos = try container.decode([String].self, forKey: .rcptTos)
        let encoded = try container.decode(String.self, forKey: .dataBase64)
        guard let data = Data(base64Encoded: encoded) else {
            throw DecodingError.dataCorruptedError(forKey: .dataBase64, in: container, debugDescription: "not base64")
        }
        self.data = [UInt8](data)
        self.connection = try container.decode(Int.self, forKey: .connection)
        self.tls = try container.decode(Bool.self, forKey: .tls)
        self.authUser = try container.decodeIfPresent(String.self, forKey: .authUser)
    }
}

/// A real SMTP server for tests: `Tests/Fixtures/smtp/smtp_server.py` (Debian's `python3-aiosmtpd`) as a child
/// process on its own port (port 0), with its own maildir in a fresh temporary folder.
///
/// ```swift
/// let server = try await SMTPTestServer.start(.init(rejectRecipients: ["nobody@example.test": "550:5.1.1 User unknown"]))
/// defer { server.stopNow() }
/// // … send to 127.0.0.1:\(server.port) …
/// let mail = try await server.waitForMessages(count: 1)
/// ```
///
/// The process is killed when the value is released, so a failing test leaves nothing running.
final class SMTPTestServer: Sendable {
    /// The fixture's command-line options.
    struct Options: Sendable {
        /// A certificate for the server: STARTTLS is offered (or used from the first byte with `implicitTLS`).
        var tls: SMTPTestCertificates? = nil
        /// TLS from the first byte (port-465 style).
        var implicitTLS = false
        /// Refuse everything but EHLO/NOOP/QUIT before STARTTLS.
        var requireTLS = false
        /// `(user, password)`: AUTH PLAIN and LOGIN, required before MAIL.
        var auth: (user: String, password: String)? = nil
        /// The AUTH mechanisms offered (e.g. `["LOGIN"]`); empty: PLAIN and LOGIN.
        var authMechanisms: [String] = []
        /// Answer 451 to the first N messages, then accept.
        var tempfailFirst = 0
        /// Address → `CODE:TEXT`, e.g. `"550:5.1.1 User unknown"`.
        var rejectRecipients: [String: String] = [:]
        /// `CODE:TEXT` for every message.
        var rejectData: String? = nil
        /// `CONNECT`, a command name (`EHLO`, `MAIL`, `RCPT`, `DATA`, …) or `MESSAGE`: stop answering there.
        var stallAfter: String? = nil
        /// Close connections silent for this long (the server side of an idle timeout); nil: 300 s.
        var idleTimeout: Duration? = nil
    }

    /// The fixture's stdout, collected by a reader thread.
    private final class Output: Sendable {
        struct State {
            var standardOutput = Data()
            var closed = false
        }
        let state = Mutex(State())
    }

    /// The port the server listens on, on 127.0.0.1.
    let port: Int
    /// The temporary folder holding the maildir and the server's log.
    let directory: URL
    private let process: Process
    private let output: Output

    private init(port: Int, directory: URL, process: Process, output: Output) {
        self.port = port
        self.directory = directory
        self.process = process
        self.output = output
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// The maildir the server writes accepted messages to.
    var maildir: URL { directory.appendingPathComponent("maildir") }

    /// Starts the fixture and waits (up to `timeout`) until it listens.
    static func start(_ options: Options = Options(), timeout: Duration = .seconds(20)) async throws -> SMTPTestServer {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("smtp-test-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var arguments = [fixturePath, "--port", "0", "--maildir", directory.appendingPathComponent("maildir").path]
        if let tls = options.tls {
            arguments += ["--tls-cert", tls.certificatePath, "--tls-key", tls.privateKeyPath]
        }
        if options.implicitTLS { arguments.append("--implicit-tls") }
        if options.requireTLS { arguments.append("--require-tls") }
        if let auth = options.auth { arguments += ["--auth", "\(auth.user):\(auth.password)"] }
        if !options.authMechanisms.isEmpty {
            arguments += ["--auth-mechanisms", options.authMechanisms.joined(separator: ",")]
        }
        if options.tempfailFirst > 0 { arguments += ["--tempfail-first", String(options.tempfailFirst)] }
        for (address, reply) in options.rejectRecipients.sorted(by: { $0.key < $1.key }) {
            arguments += ["--reject-rcpt", "\(address)=\(reply)"]
        }
        if let reply = options.rejectData { arguments += ["--reject-data", reply] }
        if let stall = options.stallAfter { arguments += ["--stall-after", stall] }
        if let idle = options.idleTimeout {
            let seconds = Double(idle.components.seconds) + Double(idle.components.attoseconds) / 1e18
            arguments += ["--idle-timeout", String(seconds)]
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: pythonPath)
        process.arguments = (pythonPath == "/usr/bin/env" ? ["python3"] : []) + arguments
        let outputPipe = Pipe()
        process.standardOutput = outputPipe
        process.standardInput = FileHandle.nullDevice
        _ = FileManager.default.createFile(atPath: directory.appendingPathComponent("server.log").path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: directory.appendingPathComponent("server.log"))
        let output = Output()
        try process.run()
        let handle = outputPipe.fileHandleForReading
        Thread.detachNewThread {
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                output.state.withLock { $0.standardOutput.append(data) }
            }
            output.state.withLock { $0.closed = true }
        }

        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let (text, closed) = output.state.withLock { (String(decoding: $0.standardOutput, as: UTF8.self), $0.closed) }
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("PORT ") }),
               let port = Int(line.dropFirst(5).trimmingCharacters(in: .whitespaces)) {
                return SMTPTestServer(port: port, directory: directory, process: process, output: output)
            }
            if closed || !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let log = (try? String(contentsOf: directory.appendingPathComponent("server.log"), encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: directory)
        throw SMTPTestServerError(message: "the SMTP fixture did not start: \(log.suffix(2000))")
    }

    /// The messages accepted so far, in the order they were accepted.
    func messages() throws -> [ReceivedMail] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: maildir.path)) ?? []
        let numbered = names.compactMap { name -> (Int, String)? in
            guard name.hasSuffix(".json"), !name.hasPrefix("."), let number = Int(name.dropLast(5)) else { return nil }
            return (number, name)
        }
        return try numbered.sorted { $0.0 < $1.0 }.map { _, name in
            let data = try Data(contentsOf: maildir.appendingPathComponent(name))
            return try JSONDecoder().decode(ReceivedMail.self, from: data)
        }
    }

    /// Waits until at least `count` messages arrived (or `timeout` passed) and returns them all.
    func waitForMessages(count: Int, timeout: Duration = .seconds(10)) async throws -> [ReceivedMail] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let received = try messages()
            if received.count >= count || ContinuousClock.now >= deadline { return received }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Stops the server (SIGTERM, then SIGKILL after 5 s) and waits for it to exit.
    func stop() async {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = ContinuousClock.now + .seconds(5)
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// ``stop()`` for `defer` blocks: blocks the calling thread until the server exited (SIGKILL after 5 s).
    func stopNow() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = ContinuousClock.now + .seconds(5)
        while process.isRunning, ContinuousClock.now < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// `Tests/Fixtures/smtp/smtp_server.py`, found from this file (symlinks resolved).
    static var fixturePath: String {
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent()  // Support
            .deletingLastPathComponent()  // Tests
            .appendingPathComponent("Fixtures/smtp/smtp_server.py").path
    }

    /// Debian's python3 (where `python3-aiosmtpd` installs), unless `PURRPURR_TEST_PYTHON` names another.
    static var pythonPath: String {
        if let path = ProcessInfo.processInfo.environment["PURRPURR_TEST_PYTHON"], !path.isEmpty { return path }
        return FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "/usr/bin/env"
    }
}

/// The fixture could not be started.
struct SMTPTestServerError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// A throwaway CA and a server certificate for `localhost` and 127.0.0.1, as PEM files in a temporary folder.
struct SMTPTestCertificates: Sendable {
    /// The CA certificate: the trust root a client needs (`SMTPClientConfiguration.trustRootsPath`).
    var caPath: String
    /// The server certificate (DNS `localhost`, IP 127.0.0.1), issued by the CA.
    var certificatePath: String
    /// The server certificate's private key.
    var privateKeyPath: String
    /// The folder holding the three files.
    var directory: URL

    /// Generates a new CA and a server certificate for `dnsName` and `ipAddresses` with Wire's
    /// `CertificateAuthority` (which puts both into the subjectAltName).
    static func make(dnsName: String = "localhost", ipAddresses: [String] = ["127.0.0.1"]) throws -> SMTPTestCertificates {
        let ca = try CertificateAuthority.generate(commonName: "SMTP test CA", validity: .days(2))
        let server = try ca.issue(serviceName: dnsName, dnsNames: [], ipAddresses: ipAddresses, validity: .days(2))
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("smtp-certs-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let files = SMTPTestCertificates(
            caPath: directory.appendingPathComponent("ca.pem").path,
            certificatePath: directory.appendingPathComponent("server.pem").path,
            privateKeyPath: directory.appendingPathComponent("server-key.pem").path,
            directory: directory)
        try ca.certificatePEM.write(toFile: files.caPath, atomically: true, encoding: .utf8)
        try server.certificatePEM.write(toFile: files.certificatePath, atomically: true, encoding: .utf8)
        try server.privateKeyPEM.write(toFile: files.privateKeyPath, atomically: true, encoding: .utf8)
        return files
    }

    /// Deletes the files.
    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
