#if canImport(Glibc)
import Contracts
import Glibc
#endif
import Foundation
import ServiceKit
import Wire

/// Starts the whole local mesh — the code behind `purrpurr up`, which the mesh tests run too.
///
/// In order: takes the folder's lock; stops processes an earlier, killed run left behind; loads (or makes) the
/// stored secrets; writes the development CA and service certificates (the CA is reused); starts PostgreSQL from
/// the folder (unless `DATABASE_URL` is given) and creates one database per service; starts the mail catcher
/// (unless `SMTP_URL` is given); starts comms-, identity-, vault- and billing-service and the Router(s), each
/// once the previous one's port accepts connections; waits until every Router's `/readyz` answers 200; makes sure the demo project exists.
/// Anything started is stopped again if a later step fails.
enum MeshLauncher {
    /// Where the demo project's magic links and recovery links point (a local front end's callback).
    static let demoSiteURL = "http://localhost:3000/auth/callback"

    /// The products the mesh runs.
    static let products = MeshService.allCases.map(\.executable) + ["router"]

    /// Starts the mesh per `options` and returns it running.
    static func start(_ options: MeshOptions) async throws -> RunningMesh {
        let root = options.stateDirectory
        let paths = (logs: root + "/logs", run: root + "/run", certs: root + "/certs", mail: root + "/mail")
        try makeDirectory(root, mode: 0o711)
        for directory in [paths.logs, paths.run, paths.mail] { try makeDirectory(directory, mode: 0o700) }
        for product in products where !FileManager.default.isExecutableFile(atPath: options.binaryDirectory + "/" + product) {
            throw LauncherError("\(options.binaryDirectory)/\(product) is not built (swift build --product \(product))")
        }
        let lock = try DirectoryLock(directory: root)
        var cleanups: [@Sendable () async -> Void] = [{ lock.release() }]
        do {
            await ChildSupervisor.stopLeftovers(in: paths.run, report: options.report)
            var state = try LocalState.loadOrCreate(at: root + "/state.json")
            try CertsCommand.write(to: paths.certs, days: 30)

            let databaseURLs: [String: String]
            var postgres: (server: EmbeddedPostgres, pid: pid_t)?
            if let external = options.externalDatabaseURL {
                databaseURLs = Dictionary(uniqueKeysWithValues: (["router"] + MeshService.allCases.map(\.name)).map { ($0, external) })
            } else {
                let server = try EmbeddedPostgres(root: root + "/postgres", environment: options.environment)
                _ = try await server.initializeIfNeeded(environment: options.environment)
                let port = try LocalPorts.free()
                let pid = try await server.start(port: port, environment: options.environment)
                postgres = (server, pid)
                cleanups.append { await server.stop(pid: pid) }
                databaseURLs = try await createDatabases(port: port)
            }

            var eventLoops: EventLoopGroup?
            var mailCatcher: MailCatcher?
            var smtpURL: String?
            if options.externalSMTPURL == nil {
                let group = try EventLoopGroup(loopCount: 1)
                eventLoops = group
                let catcher = try MailCatcher.start(directory: paths.mail, group: group)
                mailCatcher = catcher
                cleanups.append {
                    await catcher.stop()
                    await withCheckedContinuation { done in
                        Thread.detachNewThread {
                            group.syncShutdownGracefully()
                            done.resume()
                        }
                    }
                }
                smtpURL = "smtp://127.0.0.1:\(catcher.port)?tls=none"
            }

            var devOIDC: DevOIDCSetup?
            if options.demoProject {
                let setup = try DevOIDCSetup.start(stateDirectory: root)
                devOIDC = setup
                cleanups.append { await setup.stop() }
            }

            let routerPorts = try choosePorts(options)
            var extra = options.extra
            let whatsapp = try UpWhatsAppGateway.startIfNeeded(root: root, routerPort: routerPorts[0], environment: options.environment)
            if let whatsapp {
                cleanups.append { await whatsapp.stop() }
                extra["comms", default: [:]].merge(whatsapp.variables) { given, _ in given }
            }
            let plan = MeshPlan(
                binaryDirectory: options.binaryDirectory, certificatesDirectory: paths.certs, logsDirectory: paths.logs,
                databaseURLs: databaseURLs,
                wirePorts: try Dictionary(uniqueKeysWithValues: MeshService.allCases.map { ($0, try LocalPorts.free()) }),
                routerPorts: routerPorts, defaultSMTPURL: smtpURL, state: state, environment: options.environment,
                extra: extra)
            let supervisor = ChildSupervisor(policy: options.supervisorPolicy, pidDirectory: paths.run, report: options.report)
            let specs = plan.processes()
            cleanups.append { _ = await supervisor.stopAll(order: specs.map(\.name).reversed(), grace: .seconds(10)) }

            // Readiness never depends on log lines (LOG_LEVEL may hide them): a service is up once its Wire port
            // accepts connections (bound after its migrations ran), a Router once `/readyz` answers 200.
            let deadline = ContinuousClock.now + options.readyTimeout
            for spec in specs {
                try supervisor.start(spec)
                if let port = spec.httpPort ?? MeshService(name: spec.name).flatMap({ plan.wirePorts[$0] }) {
                    try await waitForPort(port, of: spec, supervisor: supervisor, deadline: deadline)
                }
            }
            let routerURLs = specs.compactMap { $0.httpPort.map { "http://127.0.0.1:\($0)" } }
            for url in routerURLs { try await waitUntilReady(url, deadline: deadline, supervisor: supervisor, specs: specs) }

            var demo: LocalState.DemoProject?
            if options.demoProject {
                demo = try await ensureDemoProject(state.demoProject, routerURL: routerURLs[0], adminToken: plan.adminToken)
                if let demo, let port = Int(routerURLs[0].split(separator: ":").last ?? "") {
                    await DemoVault.ensure(port: port, secretKey: demo.secretKey)
                }
                if demo != state.demoProject {
                    state.demoProject = demo
                    try state.save(to: root + "/state.json")
                }
            }
            if let devOIDC, let demo { try await devOIDC.configure(secretKey: demo.secretKey, routerURL: routerURLs[0]) }
            let running = RunningMesh(
                routerURLs: routerURLs, adminToken: plan.adminToken, demoProject: demo,
                mailDirectory: mailCatcher == nil ? nil : paths.mail, webhookSecrets: plan.webhookSecrets,
                processes: specs, supervisor: supervisor, postgres: postgres, mailCatcher: mailCatcher,
                eventLoops: eventLoops, lock: lock, stopGrace: .seconds(15), devOIDC: devOIDC)
            running.whatsapp = whatsapp
            if let demo, let catcher = options.environment[DemoWebhookEndpoint.variable], !catcher.isEmpty {
                do {
                    running.demoWebhook = try await DemoWebhookEndpoint.ensure(
                        url: catcher, routerURL: routerURLs[0], secretKey: demo.secretKey)
                } catch {
                    _ = await running.stop()
                    throw error
                }
            }
            return running
        } catch {
            for cleanup in cleanups.reversed() { await cleanup() }
            throw error
        }
    }

    /// Creates the Router's and each service's database (the registry's names) when missing; returns each one's
    /// URL by process name.
    private static func createDatabases(port: Int) async throws -> [String: String] {
        let base = "postgres://postgres@127.0.0.1:\(port)"
        let pool = PostgresPool(configuration: try PostgresConfiguration(url: base + "/postgres"))
        defer { Task { await pool.close() } }
        var urls: [String: String] = [:]
        let databases = [("router", MeshService.routerDatabaseName)] + MeshService.allCases.map { ($0.name, $0.databaseName) }
        for (service, name) in databases {
            let existing = try await pool.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])
            // A constant name, never input: identifiers cannot be bound as parameters.
            if existing.isEmpty { _ = try await pool.query("CREATE DATABASE \(name)", []) }
            urls[service] = base + "/" + name
        }
        await pool.close()
        return urls
    }

    /// The Routers' ports: as given, or `PURRPURR_HTTP_PORT` (default 8080) and the next ones; each must be free.
    private static func choosePorts(_ options: MeshOptions) throws -> [Int] {
        if let ports = options.routerPorts { return try ports.map { $0 == 0 ? try LocalPorts.free() : $0 } }
        let text = options.environment["PURRPURR_HTTP_PORT"].nonEmpty ?? "8080"
        guard let first = Int(text), (0...65535).contains(first) else {
            throw LauncherError("PURRPURR_HTTP_PORT must be a port number from 0 to 65535")
        }
        let ports = try (0..<options.routerReplicas).map { first == 0 ? try LocalPorts.free() : first + $0 }
        for port in ports where port != 0 && !LocalPorts.isFree(port) {
            throw LauncherError(
                "port \(port) on 127.0.0.1 is in use (another purrpurr up, or another server?): "
                    + "set PURRPURR_HTTP_PORT to a free port, e.g. PURRPURR_HTTP_PORT=8088")
        }
        return ports
    }

    /// Waits until `port` accepts connections; fails at once if the process dies.
    private static func waitForPort(
        _ port: Int, of spec: MeshProcessSpec, supervisor: ChildSupervisor, deadline: ContinuousClock.Instant
    ) async throws {
        while !LocalPorts.accepts(port) {
            if let exit = supervisor.lastExit(of: spec.name) {
                throw LauncherError("\(spec.name) \(exit) while starting; its log (\(spec.logPath)) ends with:"
                    + ChildSupervisor.tail(of: spec.logPath, lines: 10))
            }
            guard ContinuousClock.now < deadline else {
                throw LauncherError("\(spec.name) did not start listening on port \(port) in time; see \(spec.logPath)")
            }
            try await Task.sleep(for: .milliseconds(25))
        }
    }

    /// Polls `GET /readyz` until it answers 200.
    private static func waitUntilReady(
        _ url: String, deadline: ContinuousClock.Instant, supervisor: ChildSupervisor, specs: [MeshProcessSpec]
    ) async throws {
        let port = Int(url.split(separator: ":").last ?? "") ?? 0
        var last = "no answer"
        while ContinuousClock.now < deadline {
            for spec in specs {
                if let exit = supervisor.lastExit(of: spec.name) {
                    throw LauncherError("\(spec.name) \(exit) while the mesh was starting; its log ends with:"
                        + ChildSupervisor.tail(of: spec.logPath, lines: 10))
                }
            }
            if let response = try? await LocalHTTPClient.send("GET", port: port, path: "/readyz") {
                if response.status == 200 { return }
                last = "\(response.status) \(String(decoding: response.body.prefix(300), as: UTF8.self))"
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw LauncherError("\(url)/readyz did not answer 200 in time (last answer: \(last))")
    }

    /// What a new demo project's wallet starts with, in cents (it is on Starter, its first period free).
    static let demoCreditCents = 5_000

    /// Keeps the stored demo project when its secret key still works, else creates a new one on the Starter
    /// plan with ``demoCreditCents`` of credit.
    private static func ensureDemoProject(
        _ stored: LocalState.DemoProject?, routerURL: String, adminToken: String
    ) async throws -> LocalState.DemoProject {
        let port = Int(routerURL.split(separator: ":").last ?? "") ?? 0
        if let stored {
            let whoami = try await LocalHTTPClient.send(
                "GET", port: port, path: "/v1/whoami", headers: ["X-API-Key": stored.secretKey])
            if whoami.status == 200 { return stored }
        }
        let created = try await LocalHTTPClient.send(
            "POST", port: port, path: "/v1/admin/projects", headers: ["X-Admin-Token": adminToken],
            json: ["name": "Demo", "plan": "starter"])
        guard created.status == 201, let project = created.json["project"] as? [String: Any],
            let id = project["id"] as? String, let keys = created.json["keys"] as? [[String: Any]],
            let publishable = keys.first(where: { $0["kind"] as? String == "publishable" })?["key"] as? String,
            let secret = keys.first(where: { $0["kind"] as? String == "secret" })?["key"] as? String
        else {
            throw LauncherError("creating the demo project failed: HTTP \(created.status)")
        }
        // A site URL, so magic links and recovery work without a redirect_to (the link lands on a local front end).
        let settings = try await LocalHTTPClient.send(
            "PUT", port: port, path: "/v1/auth/admin/settings", headers: ["X-API-Key": secret],
            json: ["site_url": demoSiteURL])
        guard settings.status == 200 else {
            throw LauncherError("setting the demo project's site URL failed: HTTP \(settings.status)")
        }
        let credit = try await LocalHTTPClient.send(
            "POST", port: port, path: "/v1/admin/projects/\(id)/billing/credits", headers: ["X-Admin-Token": adminToken],
            json: ["amount_cents": demoCreditCents, "reason": "Demo credit"])
        guard credit.status == 201 else {
            throw LauncherError("crediting the demo project's wallet failed: HTTP \(credit.status)")
        }
        return LocalState.DemoProject(id: id, publishableKey: publishable, secretKey: secret)
    }

    private static func makeDirectory(_ path: String, mode: Int) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        guard chmod(path, mode_t(mode)) == 0 else { throw LauncherError("could not set the permissions of \(path)") }
    }
}
