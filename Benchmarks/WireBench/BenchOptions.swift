import Foundation

/// Command-line options of WireBench.
struct BenchOptions: Sendable {
    var duration: Double = 2
    var warmup: Double = 1
    var concurrencies: [Int] = [1, 16, 64]
    var payloads: [Int] = [64, 4096]
    var inProcess = false
    var rpcOnly = false
    var coderOnly = false
    var tcpOnly = false
    /// A compiled `echo_limit` (the C loopback ceiling) to run beside the TCP echo; `--echo-limit PATH` or the
    /// `WIREBENCH_ECHO_LIMIT` environment variable. Unset: the ceiling is not run.
    var echoLimitPath: String? = ProcessInfo.processInfo.environment["WIREBENCH_ECHO_LIMIT"].flatMap {
        $0.isEmpty ? nil : $0
    }
    /// Child mode: serve echo with the PEM files given, print the port, exit when stdin closes.
    var serve = false
    var certificatePath = ""
    var keyPath = ""
    var caPath = ""

    init(arguments: [String]) {
        var index = 0
        func value() -> String {
            index += 1
            return index < arguments.count ? arguments[index] : ""
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--duration": self.duration = Double(value()) ?? self.duration
            case "--warmup": self.warmup = Double(value()) ?? self.warmup
            case "--concurrency": self.concurrencies = value().split(separator: " ").compactMap { Int($0) }
            case "--payloads": self.payloads = value().split(separator: " ").compactMap { Int($0) }
            case "--in-process": self.inProcess = true
            case "--rpc-only": self.rpcOnly = true
            case "--coder-only": self.coderOnly = true
            case "--tcp-only": self.tcpOnly = true
            case "--echo-limit": self.echoLimitPath = value()
            case "--serve": self.serve = true
            case "--cert": self.certificatePath = value()
            case "--key": self.keyPath = value()
            case "--ca": self.caPath = value()
            default: break
            }
            index += 1
        }
    }
}
