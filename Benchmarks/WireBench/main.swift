// WireBench: Wire RPC and binary coder throughput. Release build only; NOT a test.
//
//     swift build -c release --product WireBench   (or the integrator's target name)
//     .build/release/WireBench [--duration 2] [--warmup 1] [--concurrency "1 16 64"] [--payloads "64 4096"]
//                              [--in-process] [--rpc-only] [--coder-only] [--tcp-only] [--echo-limit PATH]
//
// Without a `--…-only` the three benchmarks run: RPC (RPCBenchmark), the binary coder (CoderBenchmark) and the
// bare TCP echo (TCPEchoBenchmark; `--echo-limit PATH` or WIREBENCH_ECHO_LIMIT=PATH, a compiled echo_limit.c,
// adds the C ceiling beside it). Each `--…-only` selects its benchmark; several may be given.
//
// One JSON line per measurement on stdout (progress on stderr), shaped like
// /work/shared/bench/peers/README.md. By default the server runs as a child process (this same binary
// with `--serve`), like the grpc-swift peer's server, so client and server each have their own process
// and the server's CPU per call can be read from /proc; `--in-process` runs it on its own loop here.
import Foundation
import Wire

let options = BenchOptions(arguments: Array(CommandLine.arguments.dropFirst()))

if options.serve {
    BenchServer.runChild(options: options)
} else {
    let all = !options.rpcOnly && !options.coderOnly && !options.tcpOnly
    if all || options.rpcOnly {
        try await RPCBenchmark.run(options: options)
    }
    if all || options.coderOnly {
        CoderBenchmark.run(options: options)
    }
    if all || options.tcpOnly {
        try await TCPEchoBenchmark.run(options: options)
    }
}
