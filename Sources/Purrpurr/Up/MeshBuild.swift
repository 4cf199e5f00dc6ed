import Foundation

/// Finds the mesh's executables and, in a source checkout, builds the ones `purrpurr up` needs.
enum MeshBuild {
    /// The folder of the running `purrpurr` executable, where `swift build` also puts the services.
    static func binaryDirectory() throws -> String {
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        return URL(fileURLWithPath: executable).deletingLastPathComponent().path
    }

    /// When `purrpurr` runs from the `.build` folder of the package in the current folder, runs
    /// `swift build --product <p>` (same configuration) for each of the mesh's products: a no-op when they are
    /// up to date, a build on the first run. Installed binaries (no `Package.swift` here) are used as they are.
    static func buildIfNeeded(
        binaryDirectory: String, environment: [String: String], report: (String) -> Void
    ) async throws {
        let package = FileManager.default.currentDirectoryPath
        guard FileManager.default.fileExists(atPath: package + "/Package.swift"),
            binaryDirectory.hasPrefix(package + "/.build/")
        else { return }
        let configuration = URL(fileURLWithPath: binaryDirectory).lastPathComponent == "release" ? "release" : "debug"
        guard let swift = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map({ "\($0)/swift" }).first(where: FileManager.default.isExecutableFile(atPath:))
        else { throw LauncherError("swift is not on PATH; build the products yourself and use --no-build") }
        for product in MeshLauncher.products {
            report("building \(product) (\(configuration))")
            let exit = try await ProcessSpawner.run(
                swift, ["build", "-c", configuration, "--product", product], environment: environment, logPath: nil,
                ownProcessGroup: false)
            guard exit.isSuccess else { throw LauncherError("swift build --product \(product) \(exit)") }
        }
    }
}
