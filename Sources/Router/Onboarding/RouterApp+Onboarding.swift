import Contracts
import ServiceKit

extension RouterApp {
    /// Onboarding's saga over this replica's stores and mesh.
    var signupSaga: SignupSaga {
        let services = services
        return SignupSaga(
            store: SignupSagaStore(database: projects.database, schema: schema, pepper: config.apiKeyPepper),
            projects: projects, keys: keys, registry: registry, pepper: config.apiKeyPepper,
            identity: { try services.client(.identity, IdentityContract.Client.init) },
            vault: { try services.client(.vault, VaultContract.Client.init) },
            billing: { try services.client(.billing, BillingContract.Client.init) },
            config: config.onboarding, logger: logger)
    }
}
