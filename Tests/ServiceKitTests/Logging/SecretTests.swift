import Foundation
import Testing
@testable import ServiceKit

@Suite("Secret")
struct SecretTests {
    private let raw = "sk_live_0123456789abcdefghijklmnop"

    @Test("every text conversion prints ***")
    func textConversions() {
        let secret = Secret(raw)
        #expect(secret.description == "***")
        #expect(secret.debugDescription == "***")
        #expect("\(secret)" == "***")
        #expect(String(describing: secret) == "***")
        #expect(String(reflecting: secret) == "***")
        var dumped = ""
        dump(secret, to: &dumped)
        #expect(!dumped.contains(raw))
        #expect(Mirror(reflecting: secret).children.isEmpty)
        #expect("\([secret])".contains(raw) == false)
        #expect(secret.value == raw)
    }

    @Test("a secret is not Encodable")
    func notEncodable() {
        #expect(!((Secret(raw) as Any) is any Encodable))
    }

    @Test("a secret never reaches a log line")
    func neverLogged() {
        let logs = InMemoryLogHandler()
        var logger = Logger(handler: logs, level: .trace)
        let secret = Secret(raw)
        logger[LogKey("admin.token")] = secret.logValue
        logger.info("token loaded", metadata: [LogKey("other.token"): LogValue(secret)])
        logger.info(Logger.Message("loaded \(secret)"))
        let output = logs.lines.joined(separator: "\n")
        #expect(!output.contains(raw))
        #expect(logs.lines[0].contains(#""admin.token":"***""#))
        #expect(logs.lines[0].contains(#""other.token":"***""#))
        #expect(logs.lines[1].contains(#""msg":"loaded ***""#))
    }

    @Test("a configuration holding a secret prints without it")
    func inConfiguration() {
        struct Holder { let token: Secret<String>; let url: Secret<URL> }
        let holder = Holder(token: Secret(raw), url: Secret(URL(string: "postgres://u:hunter2@db/app")!))
        let text = "\(holder) \(String(reflecting: holder))"
        #expect(!text.contains(raw))
        #expect(!text.contains("hunter2"))
    }
}
