import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The development WhatsApp gateway (`purrpurr whatsapp-gateway --control`) as a separate process for a test: it
/// speaks the Evolution API v2 paths and records every call with its time, so a test checks what reached the
/// gateway (pacing, presence before text) from the gateway's side. Stop it with ``stop()``.
final class FakeWhatsAppGateway: @unchecked Sendable {
    /// The gateway's base URL (`http://127.0.0.1:PORT`).
    let url: String
    /// Its `apikey`.
    let apiKey: String
    /// The folder its texts are stored in.
    let directory: String
    private let process: Process

    private init(url: String, apiKey: String, directory: String, process: Process) {
        self.url = url
        self.apiKey = apiKey
        self.directory = directory
        self.process = process
    }

    /// Starts the gateway from the built `purrpurr` next to the test bundle.
    static func start(apiKey: String = "fake-gateway-key-0123456789") throws -> FakeWhatsAppGateway {
        let candidates = [URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()]
            + Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
        guard let binaries = candidates.first(where: {
            FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("purrpurr").path)
        }) else { throw TestSupportError(message: "no built purrpurr next to the test bundle (swift build --build-tests)") }
        let directory = NSTemporaryDirectory() + "purrpurr-wa-" + UUID().uuidString
        let process = Process()
        process.executableURL = binaries.appendingPathComponent("purrpurr")
        process.arguments = ["whatsapp-gateway", "--control", "--port", "0", "--dir", directory, "--api-key", apiKey]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let range = text.range(of: "listening on ") else {
            process.terminate()
            throw TestSupportError(message: "the WhatsApp gateway did not start: \(text)")
        }
        let address = text[range.upperBound...].prefix { !$0.isNewline }
        return FakeWhatsAppGateway(url: "http://" + address, apiKey: apiKey, directory: directory, process: process)
    }

    /// One recorded call: `method`, `path` (`/message/sendText` and the like, without the instance), the
    /// instance, the number, the presence, and when it arrived.
    struct Call: Sendable {
        let method: String
        let path: String
        let instance: String?
        let number: String?
        let presence: String?
        let at: Date
    }

    /// Every call so far, oldest first.
    func calls() async throws -> [Call] {
        let (data, _) = try await URLSession.shared.data(from: URL(string: url + "/_control/calls")!)
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return (object?["data"] as? [[String: Any]] ?? []).map {
            Call(method: $0["method"] as? String ?? "", path: $0["path"] as? String ?? "",
                 instance: $0["instance"] as? String, number: $0["number"] as? String,
                 presence: $0["presence"] as? String,
                 at: Date(timeIntervalSince1970: $0["at"] as? Double ?? 0))
        }
    }

    /// Makes the next `count` calls whose path starts with `pathPrefix` answer `status`.
    func force(_ pathPrefix: String, status: Int, count: Int = 1) async throws {
        try await control("/_control/force", ["path_prefix": pathPrefix, "status": status, "count": count])
    }

    /// Posts a gateway event (`connection.update`, `messages.update`, …) to `instance`'s webhook.
    func emit(_ event: String, instance: String, data: [String: Any]) async throws {
        try await control("/_control/event", ["instance": instance, "event": event, "data": data])
    }

    private func control(_ path: String, _ body: [String: Any]) async throws {
        var request = URLRequest(url: URL(string: url + path)!)
        request.httpMethod = "POST"
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        _ = try await URLSession.shared.data(for: request)
    }

    /// Stops the process and removes its folder.
    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
}
