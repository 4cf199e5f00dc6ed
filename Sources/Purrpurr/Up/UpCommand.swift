import Foundation
import ServiceKit

/// `purrpurr up [--dir DIR] [--no-build]`: builds what is missing, runs the whole mesh locally until Ctrl-C or
/// SIGTERM, then stops every child by its PID and PostgreSQL cleanly. See ``MeshLauncher`` for what it starts and
/// `docs/local-mesh.md` for the folder it keeps.
enum UpCommand {
    /// Parses `arguments` (after `up`), runs the mesh and returns the exit status.
    static func run(
        arguments: [String], environment: [String: String], output: @escaping @Sendable (String) -> Void,
        errorOutput: @escaping @Sendable (String) -> Void
    ) async -> Int32 {
        var directory = ".purrpurr"
        var build = true
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            switch flag {
            case "--dir":
                guard let value = rest.popFirst(), !value.isEmpty else {
                    errorOutput("purrpurr up: --dir needs a folder")
                    return CommandLineTool.usageStatus
                }
                directory = value
            case "--no-build":
                build = false
            default:
                errorOutput("purrpurr up: unknown option '\(flag)'")
                return CommandLineTool.usageStatus
            }
        }
        let report: @Sendable (String) -> Void = { errorOutput("purrpurr: " + $0) }
        do {
            let binaries = try MeshBuild.binaryDirectory()
            if build { try await MeshBuild.buildIfNeeded(binaryDirectory: binaries, environment: environment, report: report) }
            let absolute = URL(fileURLWithPath: directory).standardizedFileURL.path
            // Trapped only now: during the build a Ctrl-C simply stops `purrpurr` and the compiler with it.
            let signals = UnixSignal.trap([.sigint, .sigterm])
            report("starting the mesh in \(directory) (logs in \(directory)/logs)")
            let options = MeshOptions(
                stateDirectory: absolute, binaryDirectory: binaries, environment: environment, report: report)
            // One consumer of the signals for the whole run: a signal during the start cancels it (it stops what
            // it started); once the mesh runs, the first signal stops it.
            let (stopRequests, stopContinuation) = AsyncStream.makeStream(of: UnixSignal.self)
            let start = Task { try await MeshLauncher.start(options) }
            Task {
                for await signal in signals {
                    start.cancel()
                    stopContinuation.yield(signal)
                }
            }
            let mesh = try await start.value
            output(UpBanner.text(
                for: mesh, directory: directory, mailCommand: toolCommand("mail", binaries, directory),
                whatsappCommand: toolCommand("whatsapp", binaries, directory)))
            for await signal in stopRequests {
                report("\(signal): stopping the mesh")
                break
            }
            let exits = await mesh.stop()
            let unclean = exits.filter { !$0.value.isSuccess }
            for (name, exit) in unclean.sorted(by: { $0.key < $1.key }) { report("\(name) \(exit) while stopping") }
            report("stopped")
            return unclean.isEmpty ? 0 : 1
        } catch is CancellationError {
            report("interrupted; everything started was stopped")
            return 130
        } catch {
            errorOutput("purrpurr up: \(error)")
            return 1
        }
    }

    /// How to run `purrpurr <command>` (`mail`, `whatsapp`) for `directory` from here: `.build/debug/purrpurr mail`
    /// in a checkout (the short symlink SwiftPM keeps, when it points at the running binary's folder), else the
    /// full path; `--dir` names the mesh's own folder unless it is the default.
    private static func toolCommand(_ command: String, _ binaries: String, _ directory: String) -> String {
        let here = FileManager.default.currentDirectoryPath + "/"
        let configuration = URL(fileURLWithPath: binaries).lastPathComponent
        let short = ".build/" + configuration
        let resolved = URL(fileURLWithPath: here + short).resolvingSymlinksInPath().path
        let tool: String
        if resolved == URL(fileURLWithPath: binaries).resolvingSymlinksInPath().path {
            tool = short + "/purrpurr"
        } else {
            tool = binaries.hasPrefix(here) ? String(binaries.dropFirst(here.count)) + "/purrpurr" : binaries + "/purrpurr"
        }
        return tool + " " + command + (directory == ".purrpurr" ? "" : " --dir \(directory)/\(command)")
    }
}
