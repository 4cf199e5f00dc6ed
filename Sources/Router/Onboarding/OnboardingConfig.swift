import ServiceKit

/// The onboarding variables of the Router (`POST /v1/signup`, `GET /v1/console/projects`).
struct OnboardingConfig: Sendable {
    /// `CONSOLE_PROJECT_ID`: the IdentityService project whose users are the platform's owners (default
    /// `prj_console`). It needs no row of its own in the Router: only its users' tokens are checked.
    let consoleProjectID: String
    /// `SIGNUP_PER_ADDRESS_PER_HOUR`: signups one client address may make per hour (default 30).
    let perAddressPerHour: Int
    /// `SIGNUP_SAGA_LEASE_SECONDS`: how long the replica running a signup holds it between steps; a saga
    /// whose lease has passed belongs to whoever retries it (default 30).
    let lease: Duration
    /// `SIGNUP_SAGA_ABANDON_SECONDS`: how long after its lease a saga nobody retried is undone by the sweeper
    /// (default 300; tests use 1).
    let abandonAfter: Duration
    /// `SIGNUP_SWEEP_INTERVAL_SECONDS`: how often each replica looks for abandoned sagas (default 10).
    let sweepInterval: Duration
    /// `PURRPURR_FAILPOINTS`: test-only crash points (``Failpoints``); unset in every real deployment.
    let failpoints: Failpoints

    /// Reads the variables.
    init(reader: inout EnvironmentReader) {
        consoleProjectID = reader.string("CONSOLE_PROJECT_ID", default: "prj_console")
        perAddressPerHour = reader.integer("SIGNUP_PER_ADDRESS_PER_HOUR", default: 30, range: 1...1_000_000)
        lease = reader.duration("SIGNUP_SAGA_LEASE_SECONDS", default: .seconds(30), range: 1...3600)
        abandonAfter = reader.duration("SIGNUP_SAGA_ABANDON_SECONDS", default: .seconds(300), range: 0...86_400)
        sweepInterval = reader.duration("SIGNUP_SWEEP_INTERVAL_SECONDS", default: .seconds(10), range: 0.1...3600)
        failpoints = Failpoints(reader.raw("PURRPURR_FAILPOINTS"))
    }
}
