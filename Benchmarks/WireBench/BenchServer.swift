import Foundation
import Wire

/// The echo server under test: in a child process (default) or on its own loop in this process.
enum BenchServer {
    /// Child mode: serve until stdin closes.
    static func runChild(options: BenchOptions) {
        do {
            let tls = try TLSContext.server(
                certificateChainPath: options.certificatePath, privateKeyPath: options.keyPath,
                trustRootsPath: options.caPath)
            let group = try EventLoopGroup(loopCount: 1)
            let server = WireServer(host: "127.0.0.1", port: 0, tls: tls, group: group)
            EchoContract.register(on: server)
            try server.start()
            FileHandle.standardOutput.write(Data("\(server.port)\n".utf8))
            _ = FileHandle.standardInput.readDataToEndOfFile()
            group.syncShutdownGracefully()
            exit(0)
        } catch {
            FileHandle.standardError.write(Data("server failed: \(error)\n".utf8))
            exit(1)
        }
    }

    /// A running server: its port, and (child) its process for CPU accounting.
    final class Handle: @unchecked Sendable {
        let port: Int
        let process: Process?
        let stdin: Pipe?
        let group: EventLoopGroup?

        init(port: Int, process: Process?, stdin: Pipe?, group: EventLoopGroup?) {
            self.port = port
            self.process = process
            self.stdin = stdin
            self.group = group
        }

        /// CPU seconds the server has used so far (child: from /proc; in-process: nil).
        var cpuSeconds: Double? {
            guard let process else { return nil }
            guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            // After the command: state is field 3, utime 14, stime 15 (1-based over the whole line).
            guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
            return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
        }

        func stop() {
            if let process {
                try? self.stdin?.fileHandleForWriting.close()
                process.waitUntilExit()
            }
            self.group?.syncShutdownGracefully()
        }
    }

    /// Starts the server in a child process running this executable with `--serve`.
    static func startChild(directory: URL) throws -> Handle {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = [
            "--serve", "--cert", directory.appendingPathComponent("server.pem").path,
            "--key", directory.appendingPathComponent("server.key").path,
            "--ca", directory.appendingPathComponent("ca.pem").path,
        ]
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw WireError(.internal, "the server child did not report a port")
        }
        return Handle(port: port, process: process, stdin: stdin, group: nil)
    }

    /// Starts the server on its own loop in this process.
    static func startInProcess(tls: TLSContext) throws -> Handle {
        let group = try EventLoopGroup(loopCount: 1)
        let server = WireServer(host: "127.0.0.1", port: 0, tls: tls, group: group)
        EchoContract.register(on: server)
        try server.start()
        return Handle(port: server.port, process: nil, stdin: nil, group: group)
    }
}
