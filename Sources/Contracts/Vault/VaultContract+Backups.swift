import Foundation
import Wire

extension VaultContract {
    /// `vault.CreateBackup`: starts a consistent snapshot of the caller's project (secret key).
    public static let createBackup = MethodDescriptor<Empty, BackupView>("vault.CreateBackup", allowedCallers: .only(["router"]))
    /// `vault.ListBackups`: the project's backups, newest first (at most 100).
    public static let listBackups = MethodDescriptor<Empty, Page<BackupView>>("vault.ListBackups", allowedCallers: .only(["router"]))
    /// `vault.GetBackup`.
    public static let getBackup = MethodDescriptor<BackupRequest, BackupView>("vault.GetBackup", allowedCallers: .only(["router"]))
    /// `vault.BackupLines`: one page of a completed backup's NDJSON lines.
    public static let backupLines = MethodDescriptor<BackupLinesRequest, BackupLines>(
        "vault.BackupLines", allowedCallers: .only(["router"]))
    /// `vault.Restore`: starts replacing the project's vault with a completed backup.
    public static let restore = MethodDescriptor<BackupRequest, BackupView>("vault.Restore", allowedCallers: .only(["router"]))
}

/// Names one backup of the caller's project.
public struct BackupRequest: Codable, Sendable, Hashable {
    /// The backup's id.
    public var id: String

    /// Creates a request.
    public init(id: String) { self.id = id }
}

/// A backup as shown.
public struct BackupView: Codable, Sendable, Hashable {
    /// Its id (`bkp_…`).
    public var id: String
    /// `running`, `completed` or `failed`.
    public var status: String
    /// The bytes of its NDJSON.
    public var sizeBytes: Int64
    /// Its documents.
    public var documents: Int64
    /// When it was asked for.
    public var createdAt: Date
    /// When it completed (or failed).
    public var completedAt: Date?
    /// The last restore from it: `running`, `completed` or `failed`; nil when never restored.
    public var restore: String?
    /// Who asked for it: `manual` (the project) or `scheduled` (the daily schedule, pruned after the retention).
    /// Optional on the wire (§7.4): nil from a VaultService older than the schedule, read as `manual`.
    public var trigger: String?

    /// Creates a view.
    public init(
        id: String, status: String, sizeBytes: Int64, documents: Int64, createdAt: Date, completedAt: Date?, restore: String?,
        trigger: String? = "manual"
    ) {
        self.id = id
        self.status = status
        self.sizeBytes = sizeBytes
        self.documents = documents
        self.createdAt = createdAt
        self.completedAt = completedAt
        self.restore = restore
        self.trigger = trigger
    }
}

/// `vault.BackupLines`'s request: the lines after line `after` (0 for the first), at most `maxBytes` of them
/// (at least one line).
public struct BackupLinesRequest: Codable, Sendable, Hashable {
    /// The backup.
    public var id: String
    /// The last line number already read (lines count from 1).
    public var after: Int64
    /// The most bytes to return.
    public var maxBytes: Int

    /// Creates a request.
    public init(id: String, after: Int64, maxBytes: Int) {
        self.id = id
        self.after = after
        self.maxBytes = maxBytes
    }
}

/// One page of NDJSON lines (each without its newline).
public struct BackupLines: Codable, Sendable, Hashable {
    /// The lines.
    public var lines: [String]
    /// The number of the last one, to ask for the next page; nil when this page ends the backup.
    public var next: Int64?

    /// Creates a page.
    public init(lines: [String], next: Int64?) {
        self.lines = lines
        self.next = next
    }
}
