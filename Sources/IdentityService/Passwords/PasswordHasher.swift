import Contracts
import Dispatch
import Foundation
import ServiceKit
import Synchronization

/// Hashes and verifies passwords with scrypt on a few dedicated serial queues, off the cooperative pool,
/// so a burst of logins queues up there instead of stalling other calls.
///
/// - **Bounded**: at most `maximumPending` derivations wait or run at once; beyond that a call is refused at
///   once with 503 `SERVICE_UNAVAILABLE` (`Retry-After: 1`) instead of waiting behind seconds of work.
/// - **Cancellable**: a call whose task is cancelled (the Wire call was cancelled: the Router gave up) before
///   its turn comes is dropped when it reaches the queue, without deriving anything.
///
/// ```swift
/// let hasher = PasswordHasher(n: config.scryptN)
/// let stored = try await hasher.hash("correct horse battery")
/// switch try await hasher.verify("correct horse battery", against: stored) { … }
/// ```
final class PasswordHasher: Sendable {
    /// What ``verify(_:against:)`` found.
    enum Verification: Sendable, Hashable {
        /// The password does not match (or the stored text was unusable).
        case mismatch
        /// It matches; `needsRehash` when the stored parameters are below the configured ones.
        case match(needsRehash: Bool)
    }

    /// The production minimum for N (2¹⁵).
    static let minimumN: UInt64 = 1 << 15

    /// The parameters new hashes get.
    let parameters: PasswordHash.Parameters
    private let queues: [DispatchQueue]
    private let nextQueue = Atomic<Int>(0)
    private let derivations = Atomic<Int>(0)
    private let pendingCount = Atomic<Int>(0)
    /// The most derivations waiting or running at once; more are refused with 503.
    let maximumPending: Int
    /// A hash of a random password with the configured parameters: unknown emails are checked against it
    /// so they spend the same KDF time.
    private let dummy: PasswordHash

    /// A hasher with N = `n` (at least 2¹⁵; lower values are raised), r = 8, p = 1, running at most
    /// `concurrency` derivations at once (default: the number of active processors), `maximumPending` waiting
    /// or running (default 64).
    convenience init(n: UInt64, concurrency: Int? = nil, maximumPending: Int = PasswordHasher.defaultMaximumPending) {
        self.init(
            uncheckedParameters: PasswordHash.Parameters(n: max(n, Self.minimumN), r: 8, p: 1), concurrency: concurrency,
            maximumPending: maximumPending)
    }

    /// The default of `maximumPending` (`IDENTITY_SCRYPT_QUEUE`).
    static let defaultMaximumPending = 64

    /// Any parameters, including cheap ones: **tests only** (production goes through ``init(n:concurrency:maximumPending:)``).
    init(
        uncheckedParameters parameters: PasswordHash.Parameters, concurrency: Int? = nil,
        maximumPending: Int = PasswordHasher.defaultMaximumPending
    ) {
        self.parameters = parameters
        self.maximumPending = max(1, maximumPending)
        let count = max(1, min(concurrency ?? ProcessInfo.processInfo.activeProcessorCount, 64))
        self.queues = (0..<count).map { DispatchQueue(label: "identity.scrypt.\($0)", qos: .userInitiated) }
        let salt = SecureRandom.bytes(PasswordHash.saltByteCount)
        let hash = (try? Self.derive(Base64URL.encode(SecureRandom.bytes(16)), salt: salt, parameters: parameters))
            ?? SecureRandom.bytes(PasswordHash.hashByteCount)
        self.dummy = PasswordHash(parameters: parameters, salt: salt, hash: hash)
    }

    /// A new salted hash of `password` with the configured parameters, as stored text.
    func hash(_ password: String) async throws -> String {
        let salt = SecureRandom.bytes(PasswordHash.saltByteCount)
        let parameters = self.parameters
        let hash = try await run { try Self.derive(password, salt: salt, parameters: parameters) }
        return PasswordHash(parameters: parameters, salt: salt, hash: hash).encoded
    }

    /// Checks `password` against stored text; `nil` or unusable text (a passwordless user) costs the same
    /// time as a real check, against the dummy hash, and never matches.
    /// - Throws: `SERVICE_UNAVAILABLE` when the queue is full, `CancellationError` when cancelled first.
    func verify(_ password: String, against stored: String?) async throws -> Verification {
        let parsed = stored.flatMap(PasswordHash.init(encoded:))
        let target = parsed ?? dummy
        let derived: [UInt8]?
        do {
            derived = try await run { try Self.derive(password, salt: target.salt, parameters: target.parameters) }
        } catch let error where error is PublicError || error is CancellationError {
            throw error
        } catch {
            derived = nil
        }
        guard let parsed, let derived, ConstantTime.equals(derived, parsed.hash) else { return .mismatch }
        let old = parsed.parameters
        return .match(needsRehash: old.n < parameters.n || old.r < parameters.r || old.p < parameters.p)
    }

    /// Spends one derivation on the dummy hash (unknown email), so the answer takes as long as a real check.
    func burn(_ password: String) async throws {
        _ = try await verify(password, against: nil)
    }

    private static func derive(_ password: String, salt: [UInt8], parameters: PasswordHash.Parameters) throws -> [UInt8] {
        try Scrypt.deriveKey(
            password: password, salt: salt, n: parameters.n, r: parameters.r, p: parameters.p,
            length: PasswordHash.hashByteCount)
    }

    /// How many derivations this hasher has run (each hash, each verify, real or dummy; not the dropped ones).
    var derivationCount: Int { derivations.load(ordering: .relaxed) }

    /// Derivations waiting or running now.
    var pending: Int { pendingCount.load(ordering: .relaxed) }

    /// The refusal when ``maximumPending`` derivations are already waiting or running.
    static let busy = PublicError(.serviceUnavailable, "Too many password checks at once; retry shortly.", retryAfter: 1)

    /// Runs `work` on the next queue (round robin) and resumes the caller when it is done; refuses at once when
    /// the queue is full, and skips `work` when the caller's task was cancelled before its turn.
    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try Task.checkCancellation()
        guard pendingCount.add(1, ordering: .relaxed).newValue <= maximumPending else {
            pendingCount.subtract(1, ordering: .relaxed)
            throw Self.busy
        }
        defer { pendingCount.subtract(1, ordering: .relaxed) }
        let index = nextQueue.add(1, ordering: .relaxed).oldValue % queues.count
        let cancelled = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                queues[index].async {
                    if cancelled.isSet { return continuation.resume(throwing: CancellationError()) }
                    self.derivations.add(1, ordering: .relaxed)
                    continuation.resume(with: Result { try work() })
                }
            }
        } onCancel: {
            cancelled.set()
        }
    }
}

/// A one-way flag set from a task's cancellation handler and read on a dispatch queue.
private final class CancellationFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}
