import Foundation
import Synchronization
import Testing

/// One of this package's built executables, launched with a chosen environment, for black-box tests.
/// The binaries sit next to the test bundle (`.build/<config>/`), where `swift build --build-tests` and
/// `swift test` put them.
final class ChildProcess: Sendable {
    private struct Output {
        var standardError = Data()
        var standardOutput = Data()
        var openStreams = 2
    }

    private let process: Process
    private let output = Mutex(Output())

    /// Launches `name` (the product name, e.g. `router`; the target name is tried too).
    init(_ names: [String], arguments: [String] = [], environment: [String: String]) throws {
        let url = try #require(Self.locate(names), "no built executable named \(names) next to the test bundle")
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.environment = environment
        let errorPipe = Pipe()
        let outputPipe = Pipe()
        process.standardError = errorPipe
        process.standardOutput = outputPipe
        process.standardInput = FileHandle.nullDevice
        self.process = process
        try process.run()
        drain(errorPipe.fileHandleForReading, into: \.standardError)
        drain(outputPipe.fileHandleForReading, into: \.standardOutput)
    }

    /// The process id.
    var pid: Int32 { process.processIdentifier }

    /// Everything written to stderr so far.
    var standardError: String { output.withLock { String(decoding: $0.standardError, as: UTF8.self) } }

    /// Everything written to stdout so far.
    var standardOutput: String { output.withLock { String(decoding: $0.standardOutput, as: UTF8.self) } }

    /// Sends `signal` to the process.
    func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits until a stderr line contains `text`; returns that line, or nil after `timeout`.
    func waitForErrorLine(containing text: String, timeout: Duration = .seconds(30)) async throws -> String? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = standardError.split(separator: "\n").first(where: { $0.contains(text) }) {
                return String(line)
            }
            if !process.isRunning, output.withLock({ $0.openStreams == 0 }) { return nil }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// Waits for the process to exit and its output to be read; returns the exit status, or nil after
    /// `timeout` (the process is then killed).
    func waitForExit(timeout: Duration = .seconds(30)) async throws -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if !process.isRunning, output.withLock({ $0.openStreams == 0 }) {
                return process.terminationStatus
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        kill(process.processIdentifier, SIGKILL)
        return nil
    }

    private func drain(_ handle: FileHandle, into keyPath: WritableKeyPath<Output, Data> & Sendable) {
        Thread.detachNewThread { [self] in
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                output.withLock { $0[keyPath: keyPath].append(data) }
            }
            output.withLock { $0.openStreams -= 1 }
        }
    }

    private static func locate(_ names: [String]) -> URL? {
        var directories = [URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()]
        directories += Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
        for directory in directories {
            for name in names {
                let candidate = directory.appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            }
        }
        return nil
    }
}
