/// The named statements one libpq session has prepared, keyed by SQL text *and* parameter types (the same SQL
/// sent once with an `int8` and once with an untyped NULL needs two statements: a prepared statement's parameter
/// types are fixed when it is parsed). Bounded: when full, the least recently used statement makes room.
///
/// A statement is prepared on its second use (the first goes unnamed), so one-off statements cost nothing
/// extra. Pure bookkeeping, no I/O: ``LibPQConnection`` prepares and deallocates on the server and records it here.
/// It lives and dies with its session, so a reconnect starts with an empty cache, as the new backend does.
struct PreparedStatementCache {
    /// What a statement is prepared for.
    struct Key: Hashable {
        /// The statement's SQL text.
        let sql: String
        /// The parameters' type OIDs (0: inferred by the server).
        let types: [UInt32]
    }

    private struct Entry {
        let name: String
        var lastUse: UInt64
    }

    /// The most statements kept prepared; 0 disables preparing (every statement goes unnamed).
    let capacity: Int
    private var entries: [Key: Entry] = [:]
    /// Statements seen once and sent unnamed: the second use prepares them (so a one-off statement costs one
    /// round trip, not a prepare and an execute). Cleared when it grows past a few times the capacity.
    private var seenOnce: Set<Key> = []
    private var clock: UInt64 = 0
    private var nextNumber = 0

    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    /// How many statements are prepared now.
    var count: Int { self.entries.count }

    /// The prepared statement's name for `key`, marking it used; nil if not prepared.
    mutating func name(for key: Key) -> String? {
        guard self.entries[key] != nil else { return nil }
        self.clock += 1
        self.entries[key]!.lastUse = self.clock
        return self.entries[key]!.name
    }

    /// Whether `key` (not prepared yet) should be prepared now: from its second use on. The first use is
    /// remembered and should be sent unnamed.
    mutating func shouldPrepare(_ key: Key) -> Bool {
        guard self.capacity > 0 else { return false }
        if self.seenOnce.remove(key) != nil { return true }
        if self.seenOnce.count >= 4 * self.capacity { self.seenOnce.removeAll(keepingCapacity: true) }
        self.seenOnce.insert(key)
        return false
    }

    /// When the cache is full, the least recently used statement: deallocate it, then ``remove(_:)`` it.
    func evictionCandidate() -> (key: Key, name: String)? {
        guard self.capacity > 0, self.entries.count >= self.capacity,
            let oldest = self.entries.min(by: { $0.value.lastUse < $1.value.lastUse })
        else { return nil }
        return (oldest.key, oldest.value.name)
    }

    /// A name never used before in this session, for the next statement to prepare.
    mutating func newName() -> String {
        self.nextNumber += 1
        return "purrpurr_\(self.nextNumber)"
    }

    /// Records that `key` is now prepared as `name`.
    mutating func add(_ key: Key, name: String) {
        self.clock += 1
        self.entries[key] = Entry(name: name, lastUse: self.clock)
    }

    /// Forgets `key` (deallocated, or found stale on the server); returns the name it had.
    @discardableResult
    mutating func remove(_ key: Key) -> String? {
        self.entries.removeValue(forKey: key)?.name
    }
}

extension PostgresError {
    /// The server no longer accepts a prepared statement as it is: its result type changed under it (a
    /// column added to a `SELECT *` table: SQLSTATE 0A000 `cached plan must not change result type`) or it is
    /// gone (26000, e.g. after `DISCARD ALL`). Preparing it again fixes both.
    var isStalePreparedStatement: Bool {
        guard self.code == .server else { return false }
        if self.sqlState == "26000" { return true }
        return self.sqlState == "0A000" && (self.serverMessage?.contains("cached plan must not change result type") ?? false)
    }
}
