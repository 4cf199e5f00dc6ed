/// What `purrpurr up` prints once the mesh is ready: where it is, the credentials to call it with, and curl lines
/// to try. Development credentials, printed on purpose to the terminal that asked for them (never to a log).
enum UpBanner {
    /// `mailCommand` and `whatsappCommand` are how to run `purrpurr mail` and `purrpurr whatsapp` for this folder
    /// from the current directory.
    static func text(
        for mesh: RunningMesh, directory: String, mailCommand: String, whatsappCommand: String = "purrpurr whatsapp"
    ) -> String {
        var lines = [
            "",
            "Purrpurr Cloud is running.",
            "",
            "  Router        \(mesh.routerURL)",
            "  Admin token   \(mesh.adminToken)",
        ]
        if let project = mesh.demoProject {
            lines += [
                "  Demo project  \(project.id)",
                "    publishable key  \(project.publishableKey)",
                "    secret key       \(project.secretKey)",
            ]
        }
        lines.append(mesh.mailDirectory == nil
            ? "  Mail          relayed to SMTP_URL"
            : "  Mail          caught in \(directory)/mail — list it with `\(mailCommand)`")
        if mesh.whatsapp != nil {
            lines.append("  WhatsApp      development gateway, texts in \(directory)/whatsapp — list them with `\(whatsappCommand)`")
        }
        if let hook = mesh.demoWebhook {
            lines.append("  Webhooks      email.* → \(hook.url) (\(hook.id)\(hook.secret.map { ", secret \($0)" } ?? ""))")
        }
        lines += ["  Logs          \(directory)/logs/", "", "Try:"]
        let url = mesh.routerURL
        if let project = mesh.demoProject {
            lines += [
                "  curl -s \(url)/v1/whoami -H 'X-API-Key: \(project.secretKey)'",
                "  curl -s -X POST \(url)/v1/auth/signup -H 'X-API-Key: \(project.publishableKey)' \\",
                "       -H 'Content-Type: application/json' -d '{\"email\":\"ada@example.com\",\"password\":\"correct horse battery\"}'",
                "  curl -s -X POST \(url)/v1/comms/email -H 'X-API-Key: \(project.secretKey)' \\",
                "       -H 'Content-Type: application/json' \\",
                "       -d '{\"to\":\"ada@example.com\",\"subject\":\"Hello\",\"text\":\"It works.\"}'",
                "  curl -s -X POST \(url)/v1/auth/magiclink -H 'X-API-Key: \(project.publishableKey)' \\",
                "       -H 'Content-Type: application/json' \\",
                "       -d '{\"email\":\"ada@example.com\"}'",
                "  \(mailCommand)   # newest first, with the magic link (token=…); `mail show NAME` adds the 6-digit code",
                "  curl -s -X POST \(url)/v1/auth/verify -H 'X-API-Key: \(project.publishableKey)' \\",
                "       -H 'Content-Type: application/json' -d '{\"type\":\"magiclink\",\"token\":\"<token from the link>\"}'",
                DemoVault.curlLine(routerURL: url, publishableKey: project.publishableKey),
                "  curl -s \(url)/v1/billing/wallet -H 'X-API-Key: \(project.secretKey)'",
                "  curl -s -X POST \(url)/v1/comms/whatsapp/instances -H 'X-API-Key: \(project.secretKey)' \\",
                "       -H 'Content-Type: application/json' -d '{\"name\":\"ventas\"}'",
                "  curl -s -X POST \(url)/v1/comms/whatsapp/messages -H 'X-API-Key: \(project.secretKey)' \\",
                "       -H 'Content-Type: application/json' -d '{\"to\":\"+51987654321\",\"text\":\"Hola\"}'",
                "  \(whatsappCommand)   # the texts the development gateway sent, newest first",
                "  curl -s -X POST \(url)/v1/webhooks/endpoints -H 'X-API-Key: \(project.secretKey)' \\",
                "       -H 'Content-Type: application/json' -d '{\"url\":\"http://127.0.0.1:9000/hooks\",\"events\":[\"*\"]}'",
            ]
        }
        if let project = mesh.demoProject, let oidc = mesh.devOIDC {
            lines += [
                "  # Social login with the development OpenID provider (\(oidc.provider.issuer)); open in a browser:",
                "  \(url)/v1/auth/authorize?provider=oidc&apikey=\(project.publishableKey)&code_challenge=\(DevOIDCSetup.challenge)&code_challenge_method=S256",
                "  # then take ?code=… from the address bar of \(MeshLauncher.demoSiteURL) and:",
                "  curl -s -X POST '\(url)/v1/auth/token?grant_type=pkce' -H 'X-API-Key: \(project.publishableKey)' \\",
                "       -H 'Content-Type: application/json' -d '{\"auth_code\":\"<code>\",\"code_verifier\":\"\(DevOIDCSetup.verifier)\"}'",
            ]
        }
        lines += [
            "  curl -s -X POST \(url)/v1/signup -H 'Content-Type: application/json' \\",
            "       -d '{\"email\":\"owner@example.com\",\"password\":\"correct horse battery\",\"business_name\":\"My Shop\"}'",
            "       # one call: an owner, a project with its keys and vault, a trial, a session (docs/onboarding.md)",
            "  curl -s \(url)/v1/admin/projects -H 'X-Admin-Token: \(mesh.adminToken)'",
            "",
            "Ctrl-C stops everything; the next run reuses the data, the keys and the token.",
        ]
        return lines.joined(separator: "\n")
    }
}
