import Contracts
import Foundation
import ServiceKit
import Wire

/// Onboarding's saga: the steps of `POST /v1/signup` across services, each recorded in ``SignupSagaStore``
/// before the next, and their undo.
///
/// Steps, in order: `owner` (the user in the console project, `identity.Signup` with the saga's user id),
/// `project` (project, keys, owner and the saga's sealed keys, one Router transaction), `vault`
/// (`vault.OpenTenant`), `billing` (`billing.SetUpAccount`: a trial, the referral link, the owner's email for
/// alerts). Every step is idempotent by the ids the saga chose up front, so a retry of the same
/// `Idempotency-Key` after a crash runs the steps again and finishes; every undo is idempotent too (deleting
/// what may not exist is a success), so undoing a saga undoes all steps whichever were done. A failure
/// answers the request's error after undoing; an undo that cannot finish (a service down) leaves the saga
/// to ``SignupSweeper``.
struct SignupSaga: Sendable {
    /// The signup as asked.
    struct Input: Sendable {
        let email: String
        let password: String
        let businessName: String
        let industry: String?
        let referralCode: String?
    }

    /// What a finished signup answers.
    struct Outcome: Sendable {
        let session: SessionView
        let project: Project
        let keys: JSONValue
        let subscription: SubscriptionView
    }

    /// The saga rows.
    let store: SignupSagaStore
    /// Projects, keys and owners.
    let projects: ProjectStore
    /// Key notifications (other replicas learn of new and removed keys).
    let keys: KeyStore
    /// This replica's keys.
    let registry: KeyRegistry
    /// The pepper of new keys.
    let pepper: APIKeyPepper
    /// IdentityService.
    let identity: @Sendable () throws -> IdentityContract.Client
    /// VaultService.
    let vault: @Sendable () throws -> VaultContract.Client
    /// BillingService.
    let billing: @Sendable () throws -> BillingContract.Client
    /// The onboarding settings.
    let config: OnboardingConfig
    /// Where undo failures are reported.
    let logger: Logger

    /// Runs (or, `resumed`, finishes) `saga`; on failure undoes it and rethrows.
    func run(_ saga: SignupSagaStore.Saga, input: Input, resumed: Bool, call: CallContext) async throws -> Outcome {
        do {
            return try await forward(saga, input: input, resumed: resumed, call: call)
        } catch {
            await undoOrLeave(saga, call: call)
            throw UpstreamError.routerError(error)
        }
    }

    private func forward(
        _ saga: SignupSagaStore.Saga, input: Input, resumed: Bool, call: CallContext
    ) async throws -> Outcome {
        var saga = saga
        let console = consoleContext(call)
        let session = try await owner(saga, input: input, resumed: resumed, console: console)
        saga = try await store.record(saga, step: "owner", now: Date(), lease: config.lease)
        config.failpoints.reach("signup.after_owner")

        let (project, keysJSON) = try await project(saga, email: session.user.email)
        saga = try await store.record(saga, step: "project", now: Date(), lease: config.lease)
        config.failpoints.reach("signup.after_project")

        var tenant = call
        tenant.projectID = project.id
        _ = try await vault().openTenant(TenantRequest(projectID: project.id), tenant)
        saga = try await store.record(saga, step: "vault", now: Date(), lease: config.lease)
        config.failpoints.reach("signup.after_vault")

        let subscription = try await billing().call(
            BillingContract.setUpAccount,
            SetUpAccountRequest(projectID: project.id, billingEmail: session.user.email, referralCode: input.referralCode),
            tenant)
        saga = try await store.record(saga, step: "billing", now: Date(), lease: config.lease)
        config.failpoints.reach("signup.after_billing")

        try await store.finish(saga, state: "completed", now: Date())
        return Outcome(session: session, project: project, keys: keysJSON, subscription: subscription)
    }

    /// The owner's user and a session: `identity.Signup` with the saga's user id; on a resumed saga whose
    /// user exists already (the crash came after the signup), a password grant — accepted only if it signs
    /// in the saga's own user, so an existing owner's email stays a conflict.
    private func owner(
        _ saga: SignupSagaStore.Saga, input: Input, resumed: Bool, console: CallContext
    ) async throws -> SessionView {
        let data = input.industry.map { JSONValue.object([("industry", .string($0))]).serialized }
        do {
            let response = try await identity().signup(
                SignupRequest(
                    email: input.email, password: input.password, data: data, userID: saga.userID, equalWork: true), console)
            if let session = response.session { return session }
            // The console project asks for email confirmation: sign the new owner in anyway (they proved
            // nothing yet, but own nothing but this new, empty project).
            return try await identity().passwordGrant(
                PasswordGrantRequest(email: input.email, password: input.password), console)
        } catch let error where resumed && PublicError.from(error)?.code == .conflict {
            let session = try await identity().passwordGrant(
                PasswordGrantRequest(email: input.email, password: input.password), console)
            guard session.user.id == saga.userID else { throw error }
            return session
        }
    }

    /// The project, its keys and its owner, in one transaction with the saga's sealed copy of the keys; on a
    /// resumed saga whose project exists, the keys from that copy.
    private func project(_ saga: SignupSagaStore.Saga, email: String) async throws -> (Project, JSONValue) {
        let now = Date()
        let project = Project(id: saga.projectID, name: saga.businessName, createdAt: now, billingEmail: email)
        let minted = [APIKey.generate(kind: .publishable, pepper: pepper), APIKey.generate(kind: .secret, pepper: pepper)]
        let records = minted.map { $0.record(projectID: project.id, createdAt: now) }
        let keysJSON = JSONValue.array(minted.map {
            ["id": .string($0.id), "kind": .string($0.kind.rawValue), "key": .string($0.key)]
        })
        let sealed = try store.seal(Array(keysJSON.serialized.utf8), saga: saga)
        let inserted = try await projects.createOwned(
            project, keys: records, ownerID: saga.userID, billingEmail: email
        ) { [store] tx in
            try await tx.execute(
                "UPDATE \(store.schema).signup_sagas SET sealed_keys = $2 WHERE id = $1", [saga.id, sealed])
        }
        if inserted {
            for record in records {
                registry.upsert(record)
                try? await keys.database.notify(channel: KeyStore.channel(schema: keys.schema), payload: record.id)
            }
            return (project, keysJSON)
        }
        // Made by an earlier run of this saga: answer the keys it minted then.
        guard let stored = try await projects.project(id: saga.projectID),
              let opened = try store.openKeys(try await reloaded(saga)), let keys = JSONValue.parse(String(decoding: opened, as: UTF8.self))
        else { throw RouterError.internalError }
        return (stored, keys)
    }

    /// The saga's row as stored now (its sealed keys written by the step's transaction).
    private func reloaded(_ saga: SignupSagaStore.Saga) async throws -> SignupSagaStore.Saga {
        let rows = try await store.database.query(
            "SELECT sealed_keys FROM \(store.schema).signup_sagas WHERE id = $1", [saga.id])
        return saga.with(steps: saga.steps, sealedKeys: try rows.first?.decode([UInt8]?.self, at: 0))
    }

    /// Undoes every step (idempotently, last first) and marks the saga `undone`; if a service cannot be
    /// reached, gives the lease up so the sweeper finishes the undo later.
    func undoOrLeave(_ saga: SignupSagaStore.Saga, call: CallContext) async {
        do {
            try await undo(saga, call: call)
            try await store.finish(saga, state: "undone", now: Date())
        } catch {
            logger.warning("signup undo incomplete", metadata: [
                LogKey("saga.id"): .string(saga.id), .errorType: .errorType(error),
            ])
            try? await store.release(saga, now: Date())
        }
    }

    /// Every undo, each tried even when one before it failed (so whatever can be removed now is); the first
    /// failure is rethrown.
    private func undo(_ saga: SignupSagaStore.Saga, call: CallContext) async throws {
        var firstError: (any Error)?
        var tenant = call
        tenant.projectID = saga.projectID
        do { _ = try await billing().call(BillingContract.closeAccount, CloseAccountRequest(projectID: saga.projectID), tenant) } catch { firstError = error }
        do { try await vault().closeTenant(TenantRequest(projectID: saga.projectID), tenant) } catch { firstError = firstError ?? error }
        do {
            let removed = try await projects.deleteOwned(id: saga.projectID)
            for id in removed {
                registry.revoke(id: id, at: Date())
                try? await keys.database.notify(channel: KeyStore.channel(schema: keys.schema), payload: id)
            }
        } catch { firstError = firstError ?? error }
        do {
            try await identity().deleteUser(UserIDRequest(id: saga.userID), consoleContext(call))
        } catch where PublicError.from(error)?.code == .notFound {
        } catch { firstError = firstError ?? error }
        if let firstError { throw firstError }
    }

    /// The call context of the console project (whose users are owners).
    private func consoleContext(_ call: CallContext) -> CallContext {
        var console = call
        console.projectID = config.consoleProjectID
        console.keyKind = APIKey.Kind.secret.rawValue
        return console
    }
}
