import Foundation
import ServiceKit
import Wire

/// The users table: every query names the project.
///
/// ```swift
/// let user = try await users.find(projectID: "prj_1", email: "ada@example.com")
/// ```
final class UserStore: Sendable {
    let database: PostgresPool
    let schema: String
    let passwords: PasswordHasher

    /// Creates the store over `schema` (a plain lowercase identifier).
    init(database: PostgresPool, schema: String, passwords: PasswordHasher) {
        self.database = database
        self.schema = schema
        self.passwords = passwords
    }

    /// The columns `record(from:)` reads, in order.
    static let columns = "id, project_id, email, email_confirmed_at, last_sign_in_at, created_at, data"

    /// The project's user with this normalised email, if any.
    func find(projectID: String, email: String) async throws -> UserRecord? {
        try await database.query(
            "SELECT \(Self.columns) FROM \(schema).users WHERE project_id = $1 AND email = $2", [projectID, email]
        ).first.map(Self.record(from:))
    }

    /// The project's user with this id, if any (another project's id looks absent).
    func find(projectID: String, id: String) async throws -> UserRecord? {
        try await database.query(
            "SELECT \(Self.columns) FROM \(schema).users WHERE project_id = $1 AND id = $2", [projectID, id]
        ).first.map(Self.record(from:))
    }

    /// Creates a user without a password (magic link first use), or returns the existing user with this
    /// email (race-safe: `ON CONFLICT` keeps the first). `confirmed` stamps `email_confirmed_at` on a new user.
    func createPasswordless(projectID: String, email: String, confirmed: Bool) async throws -> UserRecord {
        let created = try await database.withTransaction { tx -> UserRecord? in
            let rows = try await tx.query("""
                INSERT INTO \(schema).users (id, project_id, email, email_confirmed_at)
                VALUES ($1, $2, $3, CASE WHEN $4 THEN now() END)
                ON CONFLICT (project_id, email) DO NOTHING
                RETURNING \(Self.columns)
                """, [RandomIdentifier.make("usr"), projectID, email, confirmed])
            guard let user = try rows.first.map(Self.record(from:)) else { return nil }
            try await Self.enqueueCreated(tx, schema: schema, user: user)
            return user
        }
        if let created { return created }
        guard let existing = try await find(projectID: projectID, email: email) else {
            throw WireError(.unavailable, "The user could not be created; try again.")
        }
        return existing
    }

    /// Queues `auth.user.created` for `user` in the transaction that created it (``EventOutbox``): `data` is
    /// `{"user_id"}`, never the email.
    static func enqueueCreated(_ tx: PostgresTransaction, schema: String, user: UserRecord) async throws {
        try await EventOutbox.enqueue(tx, schema: schema, projectID: user.projectID, type: .authUserCreated,
                                      data: ["user_id": user.id])
    }

    /// Stamps `email_confirmed_at` (keeps an earlier confirmation).
    func confirmEmail(projectID: String, userID: String, at date: Date) async throws {
        try await database.execute("""
            UPDATE \(schema).users SET email_confirmed_at = coalesce(email_confirmed_at, $3)
            WHERE project_id = $1 AND id = $2
            """, [projectID, userID, date])
    }

    /// Validates, hashes and stores a new password (scrypt with the configured parameters).
    /// - Throws: `VALIDATION_FAILED` (field `password`) for a password out of bounds.
    func setPassword(projectID: String, userID: String, password: String) async throws {
        try PasswordPolicy.validate(password)
        let hash = try await passwords.hash(password)
        try await database.execute(
            "UPDATE \(schema).users SET password_hash = $3 WHERE project_id = $1 AND id = $2",
            [projectID, userID, hash])
    }

    /// Decodes a row selected with ``columns``.
    static func record(from row: PostgresRow) throws -> UserRecord {
        let (id, projectID, email, confirmed, lastSignIn, createdAt, data) =
            try row.decode((String, String, String, Date?, Date?, Date, String).self)
        return UserRecord(
            id: id, projectID: projectID, email: email, emailConfirmedAt: confirmed, lastSignInAt: lastSignIn,
            createdAt: createdAt, data: data)
    }
}
