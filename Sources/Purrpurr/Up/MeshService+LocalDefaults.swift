import Contracts
import ServiceKit

extension MeshService {
    /// What `purrpurr up` gives this service unless the environment says otherwise: its generated secrets and
    /// development settings (nothing for a service whose variables all have defaults).
    func localDefaults(state: LocalState, smtpURL: String?) -> [String: String] {
        switch self {
        case .comms:
            var values = [
                "COMMS_MASTER_KEY": state.commsMasterKey, "COMMS_MESSAGE_ID_DOMAIN": "purrpurr.local",
                "COMMS_DEFAULT_FROM": "Purrpurr <no-reply@purrpurr.local>", "COMMS_RETRY_SCHEDULE": "5s,30s,2m,10m",
                // Local development: projects' relays may be on this machine or its network (the mail catcher).
                OutboundPolicy.allowPrivateNetworksVariable: "1",
            ]
            if let smtpURL { values["SMTP_URL"] = smtpURL }
            return values
        case .identity:
            // Local development: the development OpenID provider (and a project's own test issuer) is on this machine.
            return ["IDENTITY_MASTER_KEY": state.identityMasterKey, OutboundPolicy.allowPrivateNetworksVariable: "1"]
        case .billing:
            // Development: `POST /v1/admin/billing/clock` moves Billing's now (never in production manifests).
            return ["BILLING_TEST_CLOCK": "1"]
        default:
            return [:]
        }
    }
}
