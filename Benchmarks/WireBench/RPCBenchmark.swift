import Foundation
import Synchronization
import Wire

/// Unary echo calls over mTLS on loopback: calls/s and latency percentiles per (concurrency, payload).
enum RPCBenchmark {
    static func run(options: BenchOptions) async throws {
        let ca = try CertificateAuthority.generate(commonName: "WireBench CA", validity: .days(1))
        let serverCert = try ca.issue(serviceName: "echo", dnsNames: [], ipAddresses: ["127.0.0.1"], validity: .days(1))
        let clientCert = try ca.issue(serviceName: "bench", dnsNames: [], ipAddresses: [], validity: .days(1))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wirebench-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(serverCert.certificatePEM.utf8).write(to: directory.appendingPathComponent("server.pem"))
        try Data(serverCert.privateKeyPEM.utf8).write(to: directory.appendingPathComponent("server.key"))
        try Data(ca.certificatePEM.utf8).write(to: directory.appendingPathComponent("ca.pem"))

        let server: BenchServer.Handle
        if options.inProcess {
            server = try BenchServer.startInProcess(tls: try TLSContext.server(
                certificateChain: serverCert.certificatePEM, privateKey: serverCert.privateKeyPEM,
                trustRoots: ca.certificatePEM))
        } else {
            server = try BenchServer.startChild(directory: directory)
        }
        defer { server.stop() }
        let clientTLS = try TLSContext.client(
            certificateChain: clientCert.certificatePEM, privateKey: clientCert.privateKeyPEM, trustRoots: ca.certificatePEM)
        // One client loop, so one connection.
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.syncShutdownGracefully() }
        let client = WireClient(service: "echo", endpoints: [WireEndpoint(host: "127.0.0.1", port: server.port)],
                                tls: clientTLS, group: group)
        defer { client.close() }
        let echo = EchoContract.Client(client)
        for payload in options.payloads {
            for concurrency in options.concurrencies {
                FileHandle.standardError.write(Data("wire: c=\(concurrency) payload=\(payload)\n".utf8))
                let message = EchoMessage(payload: [UInt8](repeating: 0xA5, count: payload))
                _ = try await self.measure(echo: echo, loop: group.loops[0], message: message, concurrency: concurrency,
                                           seconds: options.warmup, server: nil)
                let result = try await self.measure(echo: echo, loop: group.loops[0], message: message,
                                                    concurrency: concurrency, seconds: options.duration, server: server)
                BenchOutput.line([
                    ("system", .string("wire")), ("concurrency", .int(concurrency)), ("payload", .int(payload)),
                    ("calls_per_s", .double(result.callsPerSecond)), ("p50_us", .double(result.p50)),
                    ("p99_us", .double(result.p99)), ("tls", .bool(true)),
                    ("server", .string(options.inProcess ? "in-process" : "child-process")),
                    ("duration_s", .double(options.duration)), ("calls", .int(result.calls)),
                    ("errors", .int(result.errors)),
                    ("server_cpu_cores", result.serverCPU.map { .precise($0 / options.duration) } ?? .null),
                    ("server_cpu_us_per_req", result.serverCPU.map { .double($0 * 1e6 / Double(max(result.calls, 1))) } ?? .null),
                    ("client_cpu_us_per_req", .double(result.clientCPU * 1e6 / Double(max(result.calls, 1)))),
                ])
            }
        }
    }

    struct Result {
        var calls: Int
        var errors: Int
        var callsPerSecond: Double
        var p50: Double
        var p99: Double
        var serverCPU: Double?
        /// CPU seconds this process (the client; with `--in-process`, the server too) used while measuring.
        var clientCPU: Double
    }

    /// CPU seconds (user + system) used by this process so far.
    static var processCPUSeconds: Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// `concurrency` callers on the client's loop (executor preference: no thread hop), each calling in a
    /// loop until `seconds` have passed.
    static func measure(echo: EchoContract.Client, loop: EventLoop, message: EchoMessage, concurrency: Int,
                        seconds: Double, server: BenchServer.Handle?) async throws -> Result {
        let cpuBefore = server?.cpuSeconds
        let clientCPUBefore = self.processCPUSeconds
        let start = ContinuousClock.now
        let end = start + .milliseconds(Int(seconds * 1000))
        let tasks = (0..<concurrency).map { _ in
            Task(executorPreference: loop) { () -> ([UInt32], Int) in
                var latencies: [UInt32] = []
                latencies.reserveCapacity(200_000 / max(concurrency, 1))
                var errors = 0
                let context = CallContext(requestID: "bench")
                while true {
                    let before = ContinuousClock.now
                    if before >= end { break }
                    do {
                        _ = try await echo.echo(message, context)
                        let elapsed = (ContinuousClock.now - before).components
                        latencies.append(UInt32(clamping: elapsed.seconds * 1_000_000 + elapsed.attoseconds / 1_000_000_000_000))
                    } catch {
                        errors += 1
                    }
                }
                return (latencies, errors)
            }
        }
        var all: [UInt32] = []
        var errors = 0
        for task in tasks {
            let (latencies, failed) = await task.value
            all.append(contentsOf: latencies)
            errors += failed
        }
        let elapsed = ContinuousClock.now - start
        let cpuAfter = server?.cpuSeconds
        let clientCPU = self.processCPUSeconds - clientCPUBefore
        all.sort()
        func percentile(_ p: Double) -> Double {
            all.isEmpty ? 0 : Double(all[min(all.count - 1, Int(Double(all.count) * p))])
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Result(
            calls: all.count, errors: errors, callsPerSecond: Double(all.count) / seconds,
            p50: percentile(0.50), p99: percentile(0.99),
            serverCPU: cpuBefore.flatMap { before in cpuAfter.map { $0 - before } }, clientCPU: clientCPU)
    }
}
