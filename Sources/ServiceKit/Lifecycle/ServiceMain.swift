import Foundation

/// The entry point every service executable's `main.swift` calls.
///
/// ```swift
/// import Foundation
/// import ServiceKit
///
/// await ServiceMain.run(name: "router", environment: ProcessInfo.processInfo.environment) { environment in
///     try RouterConfig(environment: environment)
/// } build: { config, context in
///     [IdleService()]
/// }
/// ```
///
/// In order it: ignores `SIGPIPE`; parses the configuration (on failure prints one
/// `<name>: invalid configuration: <problem>` line per problem on stderr and exits 78); makes the JSON
/// logger and the metrics registry; traps `SIGTERM`/`SIGINT`; calls `build` for the ordered list of
/// services; logs `started`; runs them in a ``ServiceGroup`` with the configured drain timeout; logs
/// `stopped`; exits 0 after a graceful shutdown and 1 if a service failed or could not start (with `_exit`, skipping
/// at-exit handlers that would race threads still winding down).
public enum ServiceMain {
    /// Exit status after a graceful stop.
    public static let successStatus: Int32 = 0
    /// Exit status when a service failed, returned early, timed out draining or could not be built.
    public static let failureStatus: Int32 = 1

    /// Runs the executable and exits the process with ``execute(name:environment:signals:logHandler:errorOutput:configuration:build:)``'s status.
    public static func run<Config: ServiceConfiguration>(
        name: String,
        environment: [String: String],
        configuration: (_ environment: [String: String]) throws -> Config,
        build: (_ config: Config, _ context: ServiceContext) async throws -> [any Service]
    ) async -> Never {
        let status = await execute(name: name, environment: environment, configuration: configuration, build: build)
        // `_exit`, not `exit`: every service has stopped and `stopped` is logged, so only at-exit handlers are left,
        // and OpenSSL's (which frees its global locks) races threads still winding down — a TLS connection torn down
        // on a Wire loop took a NULL lock and the router died with SIGSEGV while stopping, once in CI.
        fflush(nil)
        _exit(status)
    }

    /// Does everything ``run(name:environment:configuration:build:)`` does but returns the exit status
    /// instead of exiting, with the process-wide parts injectable for tests: `signals` (default: trap
    /// SIGTERM and SIGINT), `logHandler` (default: ``JSONLogHandler`` on stderr) and `errorOutput` (the
    /// configuration lines; default: stderr).
    public static func execute<Config: ServiceConfiguration>(
        name: String,
        environment: [String: String],
        signals: AsyncStream<UnixSignal>? = nil,
        logHandler: (any LogHandler)? = nil,
        errorOutput: (String) -> Void = writeLineToStandardError,
        configuration: (_ environment: [String: String]) throws -> Config,
        build: (_ config: Config, _ context: ServiceContext) async throws -> [any Service]
    ) async -> Int32 {
        UnixSignal.ignore(.sigpipe)

        let config: Config
        do {
            config = try configuration(environment)
        } catch let error as ConfigurationError {
            error.lines(service: name).forEach(errorOutput)
            return ConfigurationError.exitStatus
        } catch {
            errorOutput("\(name): invalid configuration: \(String(reflecting: type(of: error)))")
            return ConfigurationError.exitStatus
        }

        let logger = Logger(handler: logHandler ?? JSONLogHandler(service: name), level: config.logLevel)
        let metrics = MetricsRegistry()
        let signals = signals ?? UnixSignal.trap([.sigterm, .sigint])
        let context = ServiceContext(name: name, logger: logger, metrics: metrics)

        // INTEGRATION SEAM (start hooks): `build` is where an executable connects to PostgreSQL, runs its
        // migrations and creates its servers, in that order, returning the services in start order (the
        // pool first, so it is drained last). A failure here logs `start failed` and exits 1.
        let services: [any Service]
        do {
            services = try await build(config, context)
        } catch {
            logger.error("start failed", metadata: [.errorType: .errorType(error)])
            return failureStatus
        }

        let group = ServiceGroup(services: services, signals: signals, drainTimeout: config.drainTimeout, logger: logger)
        logger.info("started", metadata: [.processID: .int(Int(getpid()))])
        do {
            try await group.run()
            logger.info("stopped")
            return successStatus
        } catch let error as ServiceGroupError {
            logger.error("stopped", metadata: [.errorCode: .string(error.code)])
            return failureStatus
        } catch {
            logger.error("stopped", metadata: [.errorType: .errorType(error)])
            return failureStatus
        }
    }

    /// Writes `line` and a newline to stderr in one `write(2)`.
    public static func writeLineToStandardError(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(STDERR_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }
}
