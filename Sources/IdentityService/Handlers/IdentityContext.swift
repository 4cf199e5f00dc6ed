import Contracts
import Wire

/// Reads what a call acts for from its `CallContext`, with the contract's errors when it is missing.
enum IdentityContext {
    /// The project of the call; `invalidArgument` without one (the Router always sets it).
    static func project(_ context: CallContext) throws(WireError) -> String {
        guard let projectID = context.projectID, !projectID.isEmpty else {
            throw WireError(.invalidArgument, "The call names no project.")
        }
        return projectID
    }

    /// The end user and session of the call (from a verified JWT); `INVALID_TOKEN` without them.
    static func session(_ context: CallContext) throws -> (projectID: String, userID: String, sessionID: String) {
        let projectID = try project(context)
        guard let userID = context.subject, !userID.isEmpty, let sessionID = context.sessionID, !sessionID.isEmpty else {
            throw invalidToken
        }
        return (projectID, userID, sessionID)
    }

    /// 401 `INVALID_TOKEN`: no, a revoked or an unknown session, or a deleted user.
    static let invalidToken = PublicError(.invalidToken, "The token is invalid or has been revoked.")
}
