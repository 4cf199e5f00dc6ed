import Contracts
import Foundation
import Wire

/// A user row as the service sees it (never the password hash).
struct UserRecord: Sendable, Hashable {
    /// `usr_…`.
    var id: String
    /// The project the user belongs to.
    var projectID: String
    /// The normalised email (trimmed, lower-cased).
    var email: String
    /// When the email was confirmed, if it was.
    var emailConfirmedAt: Date?
    /// The last sign-in (new session), if any.
    var lastSignInAt: Date?
    /// When the user was created.
    var createdAt: Date
    /// The user's own data: a JSON object as text.
    var data: String

    /// The contract's view of the user.
    var view: UserView {
        UserView(
            id: id, email: email, emailConfirmedAt: emailConfirmedAt, createdAt: createdAt,
            lastSignInAt: lastSignInAt, data: data)
    }
}
