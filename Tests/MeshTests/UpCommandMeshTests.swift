#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import Purrpurr

/// `purrpurr up` itself, as a newcomer runs it: the real executable with its own PostgreSQL data folder
/// (initdb on the first run), the mail catcher, the services and the Router; SIGTERM stops everything with
/// exit 0; a second run reuses the data, the token and the demo project.
@Suite("purrpurr up (mesh)", .serialized)
struct UpCommandMeshTests {
    @Test("first run initialises and prints the credentials; the second reuses them; SIGTERM stops cleanly",
          .enabled(if: FileManager.default.fileExists(atPath: "/usr/lib/postgresql"), "PostgreSQL is not installed"),
          .timeLimit(.minutes(4)))
    func upTwice() async throws {
        let folder = NSTemporaryDirectory() + "purrpurr-up-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let first = try await Self.run(in: folder)
        // Quieter logs must not matter: readiness never waits for a log line.
        let second = try await Self.run(in: folder, environment: ["LOG_LEVEL": "warning"])
        #expect(first.adminToken == second.adminToken)
        #expect(first.secretKey == second.secretKey, "the demo project is reused")
        #expect(FileManager.default.fileExists(atPath: folder + "/.purrpurr/postgres/data/PG_VERSION"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/.purrpurr/postgres/data/postmaster.pid"),
                "PostgreSQL was stopped")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/.purrpurr/run").isEmpty)
        let mail = try FileManager.default.contentsOfDirectory(atPath: folder + "/.purrpurr/mail")
        #expect(mail.filter { $0.hasSuffix(".eml") }.count == 2, "one email per run reached the mail catcher")
    }

    /// Runs `purrpurr up --no-build` in `folder` until its banner, checks the printed curl line works and that
    /// an email reaches the mail catcher, then sends SIGTERM and expects exit 0.
    static func run(
        in folder: String, environment extra: [String: String] = [:]
    ) async throws -> (adminToken: String, secretKey: String) {
        let binaries = try #require(
            ([URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()]
                + Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() })
                .first { FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("purrpurr").path) })
        let output = folder + "/up-output.log"
        try? FileManager.default.removeItem(atPath: output)
        let environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                           "PURRPURR_HTTP_PORT": "0", "HOME": folder].merging(extra) { $1 }
        let pid = try ProcessSpawner.spawn(
            "/bin/sh", ["-c", "cd \"$0\" && exec \"$1\" up --no-build", folder, binaries.path + "/purrpurr"],
            environment: environment, logPath: output)
        let exit = Task { await ProcessSpawner.exit(of: pid) }
        var banner = ""
        let deadline = ContinuousClock.now + .seconds(120)
        while !banner.contains("Ctrl-C stops everything"), ContinuousClock.now < deadline {
            banner = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            if banner.contains("purrpurr up: ") { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        guard banner.contains("Ctrl-C stops everything") else {
            kill(pid, SIGTERM)
            _ = await exit.value
            Issue.record("no banner: \(banner)")
            throw CancellationError()
        }
        func value(after label: String) throws -> String {
            let line = try #require(banner.split(separator: "\n").first { $0.contains(label) })
            return String(try #require(line.split(separator: " ").last))
        }
        let url = try value(after: "Router ")
        let token = try value(after: "Admin token")
        let secret = try value(after: "secret key")
        let port = try #require(url.split(separator: ":").last.flatMap { Int($0) })
        let whoami = try await LocalHTTPClient.send("GET", port: port, path: "/v1/whoami", headers: ["X-API-Key": secret])
        #expect(whoami.status == 200)
        // The banner's vault line lists the demo collection with the publishable key.
        let vaultLine = try #require(banner.split(separator: "\n").first { $0.contains("/v1/vault/collections/notes/documents") })
        let publishable = try #require(vaultLine.split(separator: " ").last?.dropLast())
        let notes = try await LocalHTTPClient.send(
            "GET", port: port, path: "/v1/vault/collections/notes/documents?order=priority.asc",
            headers: ["X-API-Key": String(publishable)])
        #expect(notes.status == 200 && (notes.json["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["welcome", "filters", "rules"])
        let sent = try await LocalHTTPClient.send(
            "POST", port: port, path: "/v1/comms/email", headers: ["X-API-Key": secret],
            json: ["to": "ada@example.test", "subject": "Hello", "text": "It works."])
        #expect(sent.status == 202)
        let id = try #require(sent.json["id"] as? String)
        var status = ""
        for _ in 0..<100 where status != "sent" {
            try await Task.sleep(for: .milliseconds(100))
            let message = try await LocalHTTPClient.send(
                "GET", port: port, path: "/v1/comms/messages/\(id)", headers: ["X-API-Key": secret])
            status = message.json["status"] as? String ?? ""
        }
        #expect(status == "sent")
        // The demo project is on Starter with credit, and the banner names the wallet.
        #expect(banner.contains("/v1/billing/wallet"))
        let wallet = try await LocalHTTPClient.send("GET", port: port, path: "/v1/billing/wallet", headers: ["X-API-Key": secret])
        #expect(wallet.status == 200 && wallet.json["balance_cents"] as? Int == MeshLauncher.demoCreditCents)
        let subscription = try await LocalHTTPClient.send(
            "GET", port: port, path: "/v1/billing/subscription", headers: ["X-API-Key": secret])
        #expect(subscription.json["plan"] as? String == "starter")
        do {
            try await signInWithDevelopmentProvider(banner: banner, port: port)
        } catch {
            Issue.record("social login through the banner's lines: \(error)")  // and still stop the mesh below
        }
        kill(pid, SIGTERM)
        #expect(await exit.value == .exited(0), "\((try? String(contentsOfFile: output, encoding: .utf8)) ?? "")")
        return (token, secret)
    }

    /// Follows the banner's social login steps: its authorize URL, the development provider (signing in whoever is
    /// named), the callback, and the PKCE exchange with the printed verifier.
    static func signInWithDevelopmentProvider(banner: String, port: Int) async throws {
        let authorize = try #require(banner.split(separator: "\n").first { $0.contains("/v1/auth/authorize?") })
        let browser = try SocialLoginEndToEndTests.Browser()
        defer { browser.close() }
        let toProvider = try await browser.get(authorize.trimmingCharacters(in: .whitespaces))
        let atProvider = try #require(toProvider.location, "authorize: \(toProvider.status) \(toProvider.body)")
        let form = try await browser.get(atProvider)
        #expect(form.body.contains("login_hint"), "the provider's sign-in form")
        let back = try #require(try await browser.get(atProvider + "&login_hint=newcomer%40example.test").location)
        let done = try await browser.get(back)
        let code = try #require(SocialLoginEndToEndTests.parameter("code", of: done.location), "\(done.status) \(done.body)")
        #expect(done.location?.hasPrefix(MeshLauncher.demoSiteURL) == true)
        let publishable = try #require(banner.split(separator: "\n").first { $0.contains("publishable key") }?.split(separator: " ").last)
        let session = try await LocalHTTPClient.send(
            "POST", port: port, path: "/v1/auth/token?grant_type=pkce", headers: ["X-API-Key": String(publishable)],
            json: ["auth_code": code, "code_verifier": DevOIDCSetup.verifier])
        #expect(session.status == 200)
        #expect((session.json["user"] as? [String: Any])?["email"] as? String == "newcomer@example.test")
    }
}
