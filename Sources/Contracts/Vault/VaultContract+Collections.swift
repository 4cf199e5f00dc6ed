import Foundation
import Wire

/// Who may do one operation on a collection's documents with a publishable key.
public enum AccessRule: String, Codable, Sendable, Hashable, CaseIterable {
    /// Only the secret key (the default).
    case none
    /// Any publishable key, signed in or not.
    case `public`
    /// A publishable key with a valid bearer token of one of the project's users.
    case authenticated
    /// Signed in, and only documents whose `owner_id` is that user.
    case owner
}

/// A collection's rules, one per operation.
public struct CollectionRules: Codable, Sendable, Hashable {
    /// Reading (one document, lists).
    public var read: AccessRule
    /// Creating (`POST`, and `PUT` of an absent id).
    public var create: AccessRule
    /// Changing (`PATCH`, `PUT` of an existing id).
    public var update: AccessRule
    /// Deleting.
    public var delete: AccessRule

    /// Rules; every operation defaults to ``AccessRule/none``.
    public init(read: AccessRule = .none, create: AccessRule = .none, update: AccessRule = .none, delete: AccessRule = .none) {
        self.read = read
        self.create = create
        self.update = update
        self.delete = delete
    }
}

/// A change of a collection's rules: the members given replace those operations' rules, the others stay
/// (applied in one statement, so concurrent changes of different operations never undo each other).
public struct CollectionRulesChange: Codable, Sendable, Hashable {
    public var read: AccessRule?
    public var create: AccessRule?
    public var update: AccessRule?
    public var delete: AccessRule?

    /// A change; nil members are kept.
    public init(read: AccessRule? = nil, create: AccessRule? = nil, update: AccessRule? = nil, delete: AccessRule? = nil) {
        self.read = read
        self.create = create
        self.update = update
        self.delete = delete
    }

    /// The rules after this change of `base`.
    public func applied(to base: CollectionRules) -> CollectionRules {
        CollectionRules(
            read: read ?? base.read, create: create ?? base.create, update: update ?? base.update, delete: delete ?? base.delete)
    }
}

/// A declared index: fields (a leading `-` for descending) and whether values must be unique.
public struct CollectionIndex: Codable, Sendable, Hashable {
    /// Dotted `data` fields or `created_at`/`updated_at`/`id`, each optionally prefixed with `-`.
    public var fields: [String]
    /// Whether the combination must be unique.
    public var unique: Bool

    /// Creates an index declaration.
    public init(fields: [String], unique: Bool = false) {
        self.fields = fields
        self.unique = unique
    }
}

/// `vault.CreateCollection`'s request.
public struct CreateCollectionRequest: Codable, Sendable, Hashable {
    /// The name (``VaultLimits/collectionNamePattern``).
    public var name: String
    /// The rules (absent: every operation `none`).
    public var rules: CollectionRules?
    /// The indexes (absent: none), built as PostgreSQL expression indexes.
    public var indexes: [CollectionIndex]?

    /// Creates a request.
    public init(name: String, rules: CollectionRules? = nil, indexes: [CollectionIndex]? = nil) {
        self.name = name
        self.rules = rules
        self.indexes = indexes
    }
}

/// `vault.UpdateCollection`'s request: absent members keep their value.
public struct UpdateCollectionRequest: Codable, Sendable, Hashable {
    /// The collection.
    public var name: String
    /// The rules to change.
    public var rules: CollectionRulesChange?
    /// The indexes it should have from now on (absent: unchanged): new ones are built, others dropped.
    public var indexes: [CollectionIndex]?

    /// Creates a request.
    public init(name: String, rules: CollectionRulesChange? = nil, indexes: [CollectionIndex]? = nil) {
        self.name = name
        self.rules = rules
        self.indexes = indexes
    }
}

/// Names one collection.
public struct CollectionNameRequest: Codable, Sendable, Hashable {
    /// The name.
    public var name: String

    /// Creates a request.
    public init(name: String) { self.name = name }
}

/// A collection as shown.
public struct CollectionView: Codable, Sendable, Hashable {
    /// The name.
    public var name: String
    /// Its indexes.
    public var indexes: [CollectionIndex]
    /// Its rules.
    public var rules: CollectionRules
    /// How many documents it holds.
    public var documentCount: Int64
    /// When it was created.
    public var createdAt: Date

    /// Creates a view.
    public init(name: String, indexes: [CollectionIndex], rules: CollectionRules, documentCount: Int64, createdAt: Date) {
        self.name = name
        self.indexes = indexes
        self.rules = rules
        self.documentCount = documentCount
        self.createdAt = createdAt
    }
}

/// `vault.Tenant`'s request.
public struct TenantRequest: Codable, Sendable, Hashable {
    /// The project.
    public var projectID: String

    /// Creates a request.
    public init(projectID: String) { self.projectID = projectID }
}

/// Where a project's vault lives and its size.
public struct TenantView: Codable, Sendable, Hashable {
    /// `shared` (or, later, `dedicated`).
    public var tier: String
    /// The schema (shared tier) holding the project's collections; nil before its first collection.
    public var location: String?
    /// The tenant-schema version it is at (0 before its first collection).
    public var schemaVersion: Int
    /// Its collections.
    public var collections: Int64
    /// Its documents.
    public var documents: Int64
    /// The bytes its tables take (with indexes and TOAST).
    public var sizeBytes: Int64
    /// The current or last move between tiers, nil when never moved.
    public var move: TenantMoveView?

    /// Creates a view.
    public init(
        tier: String, location: String?, schemaVersion: Int, collections: Int64, documents: Int64, sizeBytes: Int64,
        move: TenantMoveView? = nil
    ) {
        self.tier = tier
        self.location = location
        self.schemaVersion = schemaVersion
        self.collections = collections
        self.documents = documents
        self.sizeBytes = sizeBytes
        self.move = move
    }
}

/// A tenant's move between tiers.
public struct TenantMoveView: Codable, Sendable, Hashable {
    /// `copying`, `completed` or `failed`.
    public var state: String
    /// The tier it moves to.
    public var tier: String
    /// The target database (host, port and name; never credentials); nil for the shared tier.
    public var target: String?
    /// When it started.
    public var startedAt: Date
    /// When it completed or failed.
    public var finishedAt: Date?
    /// How long writes were held at the switch, in milliseconds.
    public var pauseMilliseconds: Int?
    /// Why it failed.
    public var error: String?

    /// Creates a view.
    public init(
        state: String, tier: String, target: String?, startedAt: Date, finishedAt: Date?, pauseMilliseconds: Int?, error: String?
    ) {
        self.state = state
        self.tier = tier
        self.target = target
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.pauseMilliseconds = pauseMilliseconds
        self.error = error
    }
}

/// `vault.Move`'s request.
public struct MoveTenantRequest: Codable, Sendable, Hashable {
    /// The project.
    public var projectID: String
    /// `dedicated` or `shared`.
    public var tier: String
    /// The dedicated tier's database (default: a new database on the vault's server).
    public var databaseURL: String?

    /// Creates a request.
    public init(projectID: String, tier: String, databaseURL: String? = nil) {
        self.projectID = projectID
        self.tier = tier
        self.databaseURL = databaseURL
    }
}

/// `vault.Migrations`: the tenant-schema migrations' progress over every tenant.
public struct VaultMigrationsView: Codable, Sendable, Hashable {
    /// One tenant whose migration failed (it is retried with backoff).
    public struct Failure: Codable, Sendable, Hashable {
        /// The project.
        public var projectID: String
        /// The version that failed.
        public var version: Int
        /// PostgreSQL's message.
        public var error: String

        /// Creates a failure.
        public init(projectID: String, version: Int, error: String) {
            self.projectID = projectID
            self.version = version
            self.error = error
        }
    }

    /// The newest tenant-schema version.
    public var latest: Int
    /// Tenants at it.
    public var applied: Int64
    /// Tenants behind it, not failing.
    public var pending: Int64
    /// Tenants whose last attempt failed.
    public var failed: Int64
    /// The failing tenants (at most 100).
    public var failures: [Failure]

    /// Creates a view.
    public init(latest: Int, applied: Int64, pending: Int64, failed: Int64, failures: [Failure]) {
        self.latest = latest
        self.applied = applied
        self.pending = pending
        self.failed = failed
        self.failures = failures
    }
}
