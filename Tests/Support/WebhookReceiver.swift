import Foundation

/// One POST a ``WebhookReceiver`` got, with what Python's `hmac` made of its signature.
public struct ReceivedWebhook: Sendable, Hashable, Decodable {
    /// `webhook-id`.
    public var id: String
    /// `webhook-timestamp`.
    public var timestamp: String
    /// `webhook-signature`, whole.
    public var signature: String
    /// The body as text.
    public var body: String
    /// The secrets (as written to the receiver) with a matching `v1,` signature.
    public var valid: [String]
    /// What the receiver answered (0: it never answered).
    public var status: Int
    /// When it arrived (seconds since the epoch).
    public var at: Double
}

/// A webhook endpoint for tests: `Tests/Fixtures/http/webhook_receiver.py` (Python's `http.server`) as a
/// child process on 127.0.0.1, verifying Standard Webhooks signatures with Python's `hmac` against the secrets
/// given to ``trust(_:)``, answering as ``behave(_:)`` says. Killed when released.
///
/// ```swift
/// let receiver = try await WebhookReceiver.start()
/// receiver.trust([created.secret])
/// receiver.behave("fail 2")          // 500 twice, then 200
/// let got = try await receiver.waitForRequests(count: 3)
/// ```
public final class WebhookReceiver: Sendable {
    /// The port on 127.0.0.1.
    public let port: Int
    /// The receiver's folder (port, secrets, behaviour, requests.jsonl).
    public let directory: URL
    private let process: Process

    private init(port: Int, directory: URL, process: Process) {
        self.port = port
        self.directory = directory
        self.process = process
    }

    deinit { stop() }

    /// `http://127.0.0.1:<port><path>`.
    public func url(_ path: String = "/hooks") -> String { "http://127.0.0.1:\(port)\(path)" }

    /// Starts a receiver answering 200.
    public static func start() async throws -> WebhookReceiver {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("webhooks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let script = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/http/webhook_receiver.py")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [script.path, directory.path]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let portFile = directory.appendingPathComponent("port")
        for _ in 0..<2000 where process.isRunning {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), let port = Int(text) {
                return WebhookReceiver(port: port, directory: directory, process: process)
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        throw CocoaError(.fileReadNoSuchFile)
    }

    /// The secrets to check signatures against (replaces the previous list).
    public func trust(_ secrets: [String]) {
        try? secrets.joined(separator: "\n").write(to: directory.appendingPathComponent("secrets"), atomically: true, encoding: .utf8)
    }

    /// How to answer from now on: `ok`, `fail N`, `status CODE` or `hang`.
    public func behave(_ behaviour: String) {
        try? behaviour.write(to: directory.appendingPathComponent("behaviour"), atomically: true, encoding: .utf8)
    }

    /// Every request so far, in arrival order.
    public func requests() -> [ReceivedWebhook] {
        guard let data = try? Data(contentsOf: directory.appendingPathComponent("requests.jsonl")) else { return [] }
        return data.split(separator: UInt8(ascii: "\n")).compactMap { try? JSONDecoder().decode(ReceivedWebhook.self, from: Data($0)) }
    }

    /// Waits until at least `count` requests arrived (or `timeout` passed) and returns them all.
    public func waitForRequests(count: Int, timeout: Duration = .seconds(20)) async throws -> [ReceivedWebhook] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let received = requests()
            if received.count >= count || ContinuousClock.now >= deadline { return received }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Kills the process and removes its files.
    public func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }
}
