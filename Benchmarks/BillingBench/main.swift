// BillingBench: the credit guard's reservations + captures per second straight over Wire against a running
// billing-service (e.g. the one of `purrpurr up`). Release build only; NOT a test. scripts/bench-billing.sh runs it.
//
//     BillingBench ENDPOINT CA_PEM CERT_PEM KEY_PEM [SECONDS=5] [CONCURRENCY=64] [PROJECTS=1]
//
// The client certificate must be the Router's (the only caller allowed to reserve). Each of CONCURRENCY tasks loops
// reserve(email, 1) → capture for SECONDS, over PROJECTS projects on a plan with nothing included and 1 cent per
// email, each funded with a credit smaller than what the run could spend, so wallets run dry under load. After the
// run the zero-overdraft check: for every project, final balance = credit − captured cents ≥ 0, nothing reserved,
// and the 402s started only once a wallet could no longer cover a unit. `pairs_per_s` is over the time credit lasted
// (until the last pair, when a wallet ran dry), `pairs_per_s_whole_run` over the whole run. One JSON line on stdout.
import Foundation
import Contracts
import Wire

let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count >= 4 else {
    FileHandle.standardError.write(Data("usage: BillingBench ENDPOINT CA CERT KEY [SECONDS] [CONCURRENCY] [PROJECTS]\n".utf8))
    exit(64)
}
let seconds = arguments.count > 4 ? Double(arguments[4]) ?? 5 : 5
let concurrency = arguments.count > 5 ? Int(arguments[5]) ?? 64 : 64
let projectCount = arguments.count > 6 ? Int(arguments[6]) ?? 1 : 1
let credit: Int64 = 20_000

let group = try EventLoopGroup(loopCount: 2)
let client = BillingContract.Client(WireClient(
    service: "billing", endpoints: [try require(WireEndpoint(arguments[0]))],
    tls: try TLSContext.client(certificateChainPath: arguments[2], privateKeyPath: arguments[3], trustRootsPath: arguments[1]),
    group: group, configuration: WireClient.Configuration(connectTimeout: .seconds(5))))

func context(_ project: String? = nil) -> CallContext {
    CallContext(requestID: "bench", projectID: project, keyKind: "secret", deadline: .now + .seconds(30))
}

func require<T>(_ value: T?) throws -> T {
    guard let value else { throw WireError(.invalidArgument, "bad argument") }
    return value
}

_ = try await client.call(BillingContract.putPlan, PlanView(
    id: "bench", name: "Bench", priceCents: 0, includedEmail: 0, includedWhatsapp: 0, overageEmailCents: 1,
    overageWhatsappCents: 5, instances: 1, whiteLabel: false), context())
let run = UUID().uuidString.prefix(8).lowercased()
let projects = (0..<projectCount).map { "prj_bench_\(run)_\($0)" }
for project in projects {
    _ = try await client.call(BillingContract.setUpAccount, SetUpAccountRequest(projectID: project, plan: "bench"), context())
    _ = try await client.call(
        BillingContract.adjustCredits, AdjustCreditsRequest(projectID: project, amountCents: credit, reason: "bench"), context())
}

/// Per task: pairs done, refusals, refusals while the wallet still showed credit (must stay 0), other errors, and
/// when its last pair completed (the rate is over the time credit lasted: a dry wallet answers 402s, not pairs).
struct Tally: Sendable {
    var pairs = 0, refused = 0, wrongRefusals = 0, errors = 0
    var lastPair: ContinuousClock.Instant?
}
let deadline = ContinuousClock.now + .seconds(seconds)
let started = ContinuousClock.now
let tallies = await withTaskGroup(of: Tally.self) { group in
    for index in 0..<concurrency {
        let project = projects[index % projects.count]
        group.addTask {
            var tally = Tally()
            while ContinuousClock.now < deadline {
                do {
                    let held = try await client.call(BillingContract.reserve, ReserveRequest(meter: "email", units: 1), context(project))
                    _ = try await client.call(BillingContract.capture, SettleRequest(reservationID: held.id ?? ""), context(project))
                    tally.pairs += 1
                    tally.lastPair = .now
                } catch {
                    if let refusal = PublicError.from(error), refusal.code == .insufficientCredits {
                        tally.refused += 1
                        if (refusal.balanceCents ?? 0) >= 1 { tally.wrongRefusals += 1 }
                        try? await Task.sleep(for: .milliseconds(5))
                    } else {
                        tally.errors += 1
                    }
                }
            }
            return tally
        }
    }
    var all: [Tally] = []
    for await tally in group { all.append(tally) }
    return all
}
func inSeconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}
let elapsedSeconds = inSeconds(started.duration(to: .now))
let refusedAny = tallies.contains { $0.refused > 0 }
let lastPair = tallies.compactMap(\.lastPair).max() ?? started
let creditSeconds = refusedAny ? inSeconds(started.duration(to: lastPair)) : elapsedSeconds
let pairs = tallies.reduce(0) { $0 + $1.pairs }
var overdrawn = 0
var capturedCents: Int64 = 0
for project in projects {
    let wallet = try await client.call(BillingContract.wallet, Empty(), context(project))
    capturedCents += credit - wallet.balanceCents
    if wallet.balanceCents < 0 || wallet.reservedCents != 0 { overdrawn += 1 }
}
let line: [String: Any] = [
    "system": "purrpurr", "what": "billing.Reserve + billing.Capture pairs over Wire (group commit)",
    "concurrency": concurrency, "projects": projectCount, "duration_s": (elapsedSeconds * 10).rounded() / 10,
    "pairs": pairs, "pairs_per_s": (Double(pairs) / creditSeconds).rounded(),
    "pairs_per_s_whole_run": (Double(pairs) / elapsedSeconds).rounded(),
    "seconds_until_dry": refusedAny ? (creditSeconds * 100).rounded() / 100 : NSNull(),
    "refused_402": tallies.reduce(0) { $0 + $1.refused }, "wrong_refusals": tallies.reduce(0) { $0 + $1.wrongRefusals },
    "errors": tallies.reduce(0) { $0 + $1.errors },
    "captured_cents_match": capturedCents == Int64(pairs), "overdrawn_or_held_wallets": overdrawn,
]
print(String(decoding: try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]), as: UTF8.self))
client.client.close()
