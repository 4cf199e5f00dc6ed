import Foundation
import ServiceKit
import Testing
@testable import CommsService

/// The `WEBHOOK_*` variables: Svix's defaults, overrides, and every malformed value named.
@Suite("Webhook settings")
struct WebhookSettingsTests {
    static func config(_ extra: [String: String]) throws -> CommsServiceConfig {
        try CommsServiceConfig(environment: CommsHarness.environment(smtpPort: 25, extra))
    }

    @Test("defaults: 5s,5m,30m,2h,5h,10h,10h, 15 s, disabled after 5 days, rotation overlap 24 h, https only")
    func defaults() throws {
        let settings = try Self.config([:]).webhooks
        #expect(settings.retrySchedule.delays == [.seconds(5), .seconds(300), .seconds(1800), .seconds(7200),
                                                  .seconds(18_000), .seconds(36_000), .seconds(36_000)])
        #expect(settings.retrySchedule.maxAttempts == 8)
        #expect(settings.timeout == .seconds(15))
        #expect(settings.disableAfter == .seconds(5 * 86_400))
        #expect(settings.rotationOverlap == .seconds(86_400))
        #expect(!settings.allowsPlainHTTP && !settings.allowsPrivateNetworks)
    }

    @Test("overrides, and http follows private networks unless WEBHOOK_ALLOW_HTTP says otherwise")
    func overrides() throws {
        let settings = try Self.config([
            "WEBHOOK_RETRY_SCHEDULE": "100ms,1s", "WEBHOOK_DISABLE_AFTER": "2h", "WEBHOOK_ROTATION_OVERLAP": "90s",
            "OUTBOUND_ALLOW_PRIVATE_NETWORKS": "1", "WEBHOOK_LEASE_SECONDS": "10", "WEBHOOK_TIMEOUT_SECONDS": "5",
        ]).webhooks
        #expect(settings.retrySchedule.delays == [.milliseconds(100), .seconds(1)])
        #expect(settings.disableAfter == .seconds(7200))
        #expect(settings.rotationOverlap == .seconds(90))
        #expect(settings.allowsPlainHTTP && settings.allowsPrivateNetworks)
        #expect(try !Self.config(["OUTBOUND_ALLOW_PRIVATE_NETWORKS": "1", "WEBHOOK_ALLOW_HTTP": "0"]).webhooks.allowsPlainHTTP)
    }

    @Test("malformed values are all named")
    func malformed() throws {
        do {
            _ = try Self.config([
                "WEBHOOK_RETRY_SCHEDULE": "soon", "WEBHOOK_DISABLE_AFTER": "5d,1d", "WEBHOOK_ALLOW_HTTP": "maybe",
                "WEBHOOK_LEASE_SECONDS": "10", "WEBHOOK_TIMEOUT_SECONDS": "6",
            ])
            Issue.record("accepted")
        } catch let error as ConfigurationError {
            #expect(Set(error.problems.map(\.variable)) == [
                "WEBHOOK_RETRY_SCHEDULE", "WEBHOOK_DISABLE_AFTER", "WEBHOOK_ALLOW_HTTP", "WEBHOOK_TIMEOUT_SECONDS",
            ])
        }
    }
}
