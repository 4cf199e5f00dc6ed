import Foundation
import ServiceKit

let status = await CommandLineTool.run(
    arguments: Array(CommandLine.arguments.dropFirst()),
    environment: ProcessInfo.processInfo.environment,
    output: { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) },
    errorOutput: ServiceMain.writeLineToStandardError
)
fflush(nil)
_exit(status)   // no at-exit handlers: see ServiceMain.run
