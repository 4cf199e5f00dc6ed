import Foundation
import ServiceKit
import Wire

/// `purrpurr whatsapp` lists the texts the development gateway "sent" (newest first); `purrpurr
/// whatsapp-gateway` runs that gateway alone until SIGINT/SIGTERM, printing `listening on 127.0.0.1:PORT`.
///
/// ```
/// purrpurr whatsapp [--dir DIR (default .purrpurr/whatsapp)] [--limit N (default 20)]
/// purrpurr whatsapp-gateway [--dir DIR] [--port N (default 0)] [--api-key KEY (default $EVOLUTION_API_KEY)] [--control]
/// ```
enum WhatsAppCommand {
    /// Where `purrpurr up`'s gateway stores texts.
    static let defaultDirectory = ".purrpurr/whatsapp"

    /// `purrpurr whatsapp`.
    static func list(arguments: [String], output: (String) -> Void, errorOutput: (String) -> Void) -> Int32 {
        var directory = defaultDirectory
        var limit = 20
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            switch (flag, rest.popFirst()) {
            case ("--dir", let value?): directory = value
            case ("--limit", let value?) where Int(value).map({ $0 > 0 }) == true: limit = Int(value)!
            default:
                errorOutput("purrpurr whatsapp: usage: purrpurr whatsapp [--dir DIR] [--limit N]")
                return CommandLineTool.usageStatus
            }
        }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".json") }.sorted(by: >).prefix(limit)
        guard !names.isEmpty else {
            output("No WhatsApp messages in \(directory) yet.")
            return 0
        }
        for name in names {
            guard let data = FileManager.default.contents(atPath: (directory as NSString).appendingPathComponent(name)),
                  let message = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else { continue }
            let at = message["at"] as? String ?? "?"
            output("\(at)  \(message["instance"] as? String ?? "?") → +\(message["to"] as? String ?? "?")  \(message["text"] as? String ?? "")")
        }
        return 0
    }

    /// `purrpurr whatsapp-gateway`.
    static func serve(
        arguments: [String], environment: [String: String], output: @escaping @Sendable (String) -> Void,
        errorOutput: @escaping @Sendable (String) -> Void
    ) async -> Int32 {
        var directory = defaultDirectory
        var port = 0
        var apiKey = environment["EVOLUTION_API_KEY"] ?? ""
        var control = false
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            switch flag {
            case "--control": control = true
            case "--dir", "--port", "--api-key":
                guard let value = rest.popFirst(), !value.isEmpty else {
                    errorOutput("purrpurr whatsapp-gateway: \(flag) needs a value")
                    return CommandLineTool.usageStatus
                }
                if flag == "--dir" { directory = value }
                if flag == "--api-key" { apiKey = value }
                if flag == "--port" {
                    guard let number = Int(value), (0...65535).contains(number) else {
                        errorOutput("purrpurr whatsapp-gateway: --port needs 0 to 65535")
                        return CommandLineTool.usageStatus
                    }
                    port = number
                }
            default:
                errorOutput("purrpurr whatsapp-gateway: unknown option '\(flag)'")
                return CommandLineTool.usageStatus
            }
        }
        guard apiKey.utf8.count >= 16 else {
            errorOutput("purrpurr whatsapp-gateway: an API key of at least 16 characters is required (--api-key or EVOLUTION_API_KEY)")
            return CommandLineTool.usageStatus
        }
        do {
            let signals = UnixSignal.trap([.sigint, .sigterm])
            let group = try EventLoopGroup(loopCount: 1)
            let gateway = try DevGatewayServer(
                directory: directory, apiKey: apiKey, port: port, control: control, group: group)
            output("listening on 127.0.0.1:\(gateway.port)")
            for await _ in signals { break }
            await gateway.stop()
            await group.shutdownGracefully()
            return 0
        } catch {
            errorOutput("purrpurr whatsapp-gateway: \(error)")
            return 1
        }
    }
}
