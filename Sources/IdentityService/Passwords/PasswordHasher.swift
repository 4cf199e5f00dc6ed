import Dispatch
import Foundation
import ServiceKit
import Synchronization

/// Hashes and verifies passwords with scrypt on a few dedicated serial queues, off the cooperative pool,
/// so a burst of logins queues up there instead of stalling other calls.
///
/// ```swift
/// let hasher = PasswordHasher(n: config.scryptN)
/// let stored = try await hasher.hash("correct horse battery")
/// switch await hasher.verify("correct horse battery", against: stored) { … }
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
    /// A hash of a random password with the configured parameters: unknown emails are checked against it
    /// so they spend the same KDF time.
    private let dummy: PasswordHash

    /// A hasher with N = `n` (at least 2¹⁵; lower values are raised), r = 8, p = 1, running at most
    /// `concurrency` derivations at once (default: the number of active processors).
    convenience init(n: UInt64, concurrency: Int? = nil) {
        self.init(uncheckedParameters: PasswordHash.Parameters(n: max(n, Self.minimumN), r: 8, p: 1), concurrency: concurrency)
    }

    /// Any parameters, including cheap ones: **tests only** (production goes through ``init(n:concurrency:)``).
    init(uncheckedParameters parameters: PasswordHash.Parameters, concurrency: Int? = nil) {
        self.parameters = parameters
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
    func verify(_ password: String, against stored: String?) async -> Verification {
        let parsed = stored.flatMap(PasswordHash.init(encoded:))
        let target = parsed ?? dummy
        let derived = try? await run { try Self.derive(password, salt: target.salt, parameters: target.parameters) }
        guard let parsed, let derived, ConstantTime.equals(derived, parsed.hash) else { return .mismatch }
        let old = parsed.parameters
        return .match(needsRehash: old.n < parameters.n || old.r < parameters.r || old.p < parameters.p)
    }

    /// Spends one derivation on the dummy hash (unknown email), so the answer takes as long as a real check.
    func burn(_ password: String) async {
        _ = await verify(password, against: nil)
    }

    private static func derive(_ password: String, salt: [UInt8], parameters: PasswordHash.Parameters) throws -> [UInt8] {
        try Scrypt.deriveKey(
            password: password, salt: salt, n: parameters.n, r: parameters.r, p: parameters.p,
            length: PasswordHash.hashByteCount)
    }

    /// How many derivations this hasher has run (each hash, each verify, real or dummy).
    var derivationCount: Int { derivations.load(ordering: .relaxed) }

    /// Runs `work` on the next queue (round robin) and resumes the caller when it is done.
    private func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        let index = nextQueue.add(1, ordering: .relaxed).oldValue % queues.count
        derivations.add(1, ordering: .relaxed)
        return try await withCheckedThrowingContinuation { continuation in
            queues[index].async { continuation.resume(with: Result { try work() }) }
        }
    }
}
