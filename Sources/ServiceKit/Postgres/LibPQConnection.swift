internal import CLibPQ
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Owns one libpq `PGconn` and frees it in `deinit`.
///
/// Not thread-safe by design: it is created, used and released by exactly one thread (a pool
/// connection's worker thread, or the listener's thread). All calls block that thread, never a Swift one.
final class LibPQConnection {
    private let handle: OpaquePointer
    /// `host:port/db`, for errors.
    let target: String
    /// The statements this session has prepared (``query(_:_:)`` prepares every statement once).
    private(set) var statements: PreparedStatementCache

    private init(handle: OpaquePointer, target: String, statementCacheCapacity: Int) {
        self.handle = handle
        self.target = target
        self.statements = PreparedStatementCache(capacity: statementCacheCapacity)
    }

    deinit { PQfinish(self.handle) }

    /// Connects (blocking, bounded by the configuration's connect timeout).
    /// - Throws: ``PostgresError/Code/connectionFailed`` with libpq's message (which never holds the password).
    static func connect(_ configuration: PostgresConfiguration) throws(PostgresError) -> LibPQConnection {
        let parameters = configuration.connectionParameters
        let keywords = parameters.map { strdup($0.0) }
        let values = parameters.map { strdup($0.1) }
        defer {
            keywords.forEach { free($0) }
            values.forEach { free($0) }
        }
        let handle: OpaquePointer? = (keywords + [nil]).map { UnsafePointer($0) }.withUnsafeBufferPointer { k in
            (values + [nil]).map { UnsafePointer($0) }.withUnsafeBufferPointer { v in
                PQconnectdbParams(k.baseAddress, v.baseAddress, 1)
            }
        }
        guard let handle else {
            throw PostgresError(.connectionFailed, reason: "libpq out of memory", target: configuration.redactedTarget)
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = LibPQ.errorMessage(handle)
            PQfinish(handle)
            throw PostgresError(.connectionFailed, serverMessage: message, target: configuration.redactedTarget)
        }
        // libpq prints NOTICEs to stderr by default; a library must stay quiet.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        let connection = LibPQConnection(
            handle: handle, target: configuration.redactedTarget,
            statementCacheCapacity: configuration.statementCacheCapacity)
        if configuration.plansEveryExecution {
            do throws(PostgresError) {
                try connection.execute("SET plan_cache_mode = force_custom_plan")
            } catch {
                throw PostgresError(.connectionFailed, serverMessage: error.serverMessage, target: connection.target)
            }
        }
        return connection
    }

    /// Runs one statement with binary parameters and binary results (the extended protocol, so `sql` holds
    /// exactly one statement and values never touch its text).
    ///
    /// From its second use on, the statement is prepared once per session and parameter types (PQprepare),
    /// then only executed (PQexecPrepared): the server parses and plans it once, not on every call. Its first
    /// use, and every use with a statement cache of capacity 0, sends it unnamed (PQexecParams). A prepared
    /// statement the server no longer accepts (its result type changed, or it was deallocated) is prepared
    /// again and run once more outside a transaction; inside one, the transaction has failed: the error is
    /// thrown and the next use prepares it again.
    @discardableResult
    func query(_ sql: String, _ parameters: [PostgresValue]) throws(PostgresError) -> PostgresRows {
        guard parameters.count <= Int(UInt16.max) else {
            throw PostgresError(.invalidParameter, reason: "more than 65535 parameters")
        }
        var types: [Oid] = []
        var lengths: [Int32] = []
        var offsets: [Int?] = []
        var buffer: [UInt8] = []
        types.reserveCapacity(parameters.count)
        for (index, parameter) in parameters.enumerated() {
            let (type, bytes) = try parameter.binary(index: index + 1)
            types.append(type.rawValue)
            if let bytes {
                guard bytes.count <= Int(Int32.max) else {
                    throw PostgresError(.invalidParameter, reason: "value too large", column: "$\(index + 1)")
                }
                offsets.append(buffer.count)
                lengths.append(Int32(bytes.count))
                buffer.append(contentsOf: bytes)
            } else {
                offsets.append(nil)
                lengths.append(0)
            }
        }
        buffer.append(0)  // never empty, so every non-NULL value has a valid pointer
        let formats = [Int32](repeating: 1, count: parameters.count)
        let send = { (name: String?) -> OpaquePointer? in
            buffer.withUnsafeBufferPointer { bytes in
                let base = UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: CChar.self)
                let values: [UnsafePointer<CChar>?] = offsets.map { $0.map { base + $0 } }
                guard let name else {
                    return PQexecParams(self.handle, sql, Int32(parameters.count), types, values, lengths, formats, 1)
                }
                return PQexecPrepared(self.handle, name, Int32(parameters.count), values, lengths, formats, 1)
            }
        }
        let key = PreparedStatementCache.Key(sql: sql, types: types)
        var name = self.statements.name(for: key)
        guard name != nil || self.statements.shouldPrepare(key) else {
            let checked = try LibPQ.check(send(nil), on: self.handle, target: self.target)
            defer { PQclear(checked) }
            return LibPQ.rows(from: checked)
        }
        var retried = false
        while true {
            let current: String
            if let name { current = name } else { current = try self.prepare(key) }
            do throws(PostgresError) {
                let checked = try LibPQ.check(send(current), on: self.handle, target: self.target)
                defer { PQclear(checked) }
                return LibPQ.rows(from: checked)
            } catch where error.isStalePreparedStatement {
                self.statements.remove(key)
                guard !retried, PQtransactionStatus(self.handle) == PQTRANS_IDLE else { throw error }
                if error.sqlState != "26000" { _ = try? self.execute("DEALLOCATE \(current)") }
                retried = true
                name = nil
            }
        }
    }

    /// Prepares `key` under a new name, first deallocating the least recently used statement if the cache is
    /// full (`DEALLOCATE` is not transactional; like any statement it fails in an aborted transaction, where
    /// preparing would fail too).
    private func prepare(_ key: PreparedStatementCache.Key) throws(PostgresError) -> String {
        if let (oldKey, oldName) = self.statements.evictionCandidate() {
            do throws(PostgresError) {
                try self.execute("DEALLOCATE \(oldName)")
            } catch where error.sqlState == "26000" && PQtransactionStatus(self.handle) == PQTRANS_IDLE {
                // Already gone on the server (e.g. `DEALLOCATE ALL`): nothing failed, forgetting it is enough.
            }
            self.statements.remove(oldKey)
        }
        let name = self.statements.newName()
        let result = PQprepare(self.handle, name, key.sql, Int32(key.types.count), key.types)
        PQclear(try LibPQ.check(result, on: self.handle, target: self.target))
        self.statements.add(key, name: name)
        return name
    }

    /// Runs SQL through the simple query protocol (PQexec): several statements may be given, no parameters.
    /// Only for SQL written by the program (migrations, BEGIN/COMMIT), never for input.
    /// Returns the command tag of the last statement (e.g. `ROLLBACK` for a COMMIT of a failed transaction).
    @discardableResult
    func execute(_ sql: String) throws(PostgresError) -> String {
        let result = try LibPQ.check(PQexec(self.handle, sql), on: self.handle, target: self.target)
        defer { PQclear(result) }
        return PQcmdStatus(result).map { String(cString: $0) } ?? ""
    }

    /// `true` if the connection is open (libpq has not seen it break).
    var isOpen: Bool { PQstatus(self.handle) == CONNECTION_OK }

    /// `true` if the connection is open, outside any transaction, and has not been closed by the server while
    /// idle (e.g. a server restart sends FATAL 57P01 to idle sessions): pending input is read without blocking.
    func isReadyForNewLease() -> Bool {
        guard self.isOpen, PQtransactionStatus(self.handle) == PQTRANS_IDLE else { return false }
        // One read may return the server's FATAL message without reaching the end of the stream behind it,
        // so read until nothing is pending (bounded: an idle session receives little).
        for _ in 0..<8 {
            guard self.waitForInput(wakeDescriptor: nil, timeoutMilliseconds: 0) else { return true }
            guard PQconsumeInput(self.handle) != 0, self.isOpen else { return false }
            _ = self.takeNotifications()
        }
        return self.isOpen
    }

    /// Blocks up to `timeoutMilliseconds` (-1: forever) until the server socket or `wakeDescriptor` is
    /// readable. Returns `true` if the server socket is readable (or in error).
    func waitForInput(wakeDescriptor: Int32?, timeoutMilliseconds: Int32) -> Bool {
        let socket = PQsocket(self.handle)
        guard socket >= 0 else { return true }
        var descriptors = [pollfd(fd: socket, events: Int16(POLLIN), revents: 0)]
        if let wakeDescriptor { descriptors.append(pollfd(fd: wakeDescriptor, events: Int16(POLLIN), revents: 0)) }
        while true {
            let count = poll(&descriptors, nfds_t(descriptors.count), timeoutMilliseconds)
            if count < 0 && errno == EINTR { continue }
            return count != 0 && descriptors[0].revents != 0
        }
    }

    /// Reads what the server sent; `false` if the connection broke.
    func consumeInput() -> Bool {
        PQconsumeInput(self.handle) != 0 && self.isOpen
    }

    /// The notifications received so far, oldest first.
    func takeNotifications() -> [PostgresNotification] {
        var notifications: [PostgresNotification] = []
        while let notify = PQnotifies(self.handle) {
            notifications.append(PostgresNotification(
                channel: String(cString: notify.pointee.relname),
                payload: String(cString: notify.pointee.extra),
                processID: Int32(notify.pointee.be_pid)
            ))
            PQfreemem(notify)
        }
        return notifications
    }

    /// The libpq error message of the connection (for connection-level failures).
    var errorMessage: String? { LibPQ.errorMessage(self.handle) }

    /// Quotes an identifier with libpq's rules (`"my""name"`).
    func quoteIdentifier(_ identifier: String) throws(PostgresError) -> String {
        let utf8 = Array(identifier.utf8)
        guard !utf8.contains(0) else {
            throw PostgresError(.invalidParameter, reason: "identifier cannot contain NUL")
        }
        guard let quoted = PQescapeIdentifier(self.handle, identifier, utf8.count) else {
            throw PostgresError(.invalidParameter, reason: "identifier cannot be quoted")
        }
        defer { PQfreemem(quoted) }
        return String(cString: quoted)
    }
}
