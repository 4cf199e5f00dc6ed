/// When every tenant is backed up without being asked, and how long those backups are kept.
///
/// `VAULT_BACKUP_INTERVAL_HOURS` (default 24; 0 turns the schedule off) and `VAULT_BACKUP_RETENTION_DAYS`
/// (default 7, as Supabase's daily backups on its Pro plan). Backups a project asks for itself are never
/// pruned; scheduled ones are, except each project's newest completed backup.
struct BackupSchedule: Sendable, Hashable {
    /// How often each tenant gets a scheduled backup; nil when the schedule is off.
    var every: Duration?
    /// How long a scheduled backup is kept.
    var retention: Duration
    /// How soon a scheduled backup that failed (or whose process died) is tried again.
    var retryAfter: Duration = .seconds(3600)
    /// How often the scheduler looks for due tenants and prunes.
    var pollInterval: Duration = .seconds(60)

    /// The defaults: daily, kept a week.
    static let standard = BackupSchedule(every: .seconds(86_400), retention: .seconds(7 * 86_400))
}
