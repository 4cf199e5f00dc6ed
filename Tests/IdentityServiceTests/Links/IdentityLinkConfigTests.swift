import ServiceKit
import Testing
import Wire
@testable import IdentityService

@Suite("IdentityLinkConfig")
struct IdentityLinkConfigTests {
    @Test("defaults when nothing is set")
    func defaults() throws {
        var reader = EnvironmentReader([:])
        let config = IdentityLinkConfig(reading: &reader)
        try reader.finish()
        #expect(config.commsEndpoints.isEmpty)
        #expect(config.magicLinkLifetime == 900)
        #expect(config.recoveryLifetime == 3600)
        #expect(config.confirmationLifetime == 86400)
        #expect(config.emailsPerMinute == 1)
        #expect(config.emailsPerHour == 5)
        #expect(config.addressRequestsPerHour == 30)
        #expect(config.codeMaxGuesses == 5)
        #expect(config.codeKey == nil)
    }

    @Test("every variable is read")
    func overrides() throws {
        var reader = EnvironmentReader([
            "COMMS_WIRE_ENDPOINTS": "comms-1:7102, [::1]:7102", "IDENTITY_MAGICLINK_LIFETIME_SECONDS": "600",
            "IDENTITY_RECOVERY_LIFETIME_SECONDS": "1800", "IDENTITY_CONFIRMATION_LIFETIME_SECONDS": "7200",
            "IDENTITY_EMAIL_PER_MINUTE": "2", "IDENTITY_EMAIL_PER_HOUR": "0", "IDENTITY_ADDRESS_PER_HOUR": "100",
            "IDENTITY_CODE_MAX_GUESSES": "3",
        ])
        let config = IdentityLinkConfig(reading: &reader)
        try reader.finish()
        #expect(config.commsEndpoints == [WireEndpoint(host: "comms-1", port: 7102), WireEndpoint(host: "::1", port: 7102)])
        #expect(config.magicLinkLifetime == 600)
        #expect(config.recoveryLifetime == 1800)
        #expect(config.confirmationLifetime == 7200)
        #expect(config.emailsPerMinute == 2)
        #expect(config.emailsPerHour == 0)
        #expect(config.addressRequestsPerHour == 100)
        #expect(config.codeMaxGuesses == 3)
    }

    @Test("bad values are reported, all of them")
    func problems() {
        var reader = EnvironmentReader([
            "COMMS_WIRE_ENDPOINTS": "comms-1", "IDENTITY_MAGICLINK_LIFETIME_SECONDS": "10",
            "IDENTITY_EMAIL_PER_HOUR": "many", "IDENTITY_CODE_MAX_GUESSES": "0",
        ])
        _ = IdentityLinkConfig(reading: &reader)
        #expect(Set(reader.problems.map(\.variable)) == [
            "COMMS_WIRE_ENDPOINTS", "IDENTITY_MAGICLINK_LIFETIME_SECONDS", "IDENTITY_EMAIL_PER_HOUR",
            "IDENTITY_CODE_MAX_GUESSES",
        ])
    }
}
