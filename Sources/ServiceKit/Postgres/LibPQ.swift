internal import CLibPQ
import Foundation

/// The one place that turns libpq's status codes into ``PostgresError`` and results into ``PostgresRows``
/// (the shape of swift-nio's `enum Posix`: read the status right after the call).
enum LibPQ {
    /// Checks a `PGresult` right after PQexec / PQexecParams. Returns it on success (caller clears it);
    /// on failure clears it and throws ``PostgresError/Code/server``, or ``PostgresError/Code/connectionLost``
    /// if the connection is now broken.
    static func check(_ result: OpaquePointer?, on connection: OpaquePointer, target: String) throws(PostgresError)
        -> OpaquePointer
    {
        guard let result else {
            throw PostgresError(
                PQstatus(connection) == CONNECTION_BAD ? .connectionLost : .unexpectedResult,
                serverMessage: self.errorMessage(connection),
                target: target
            )
        }
        let status = PQresultStatus(result)
        switch status {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return result
        case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR, PGRES_BAD_RESPONSE:
            defer { PQclear(result) }
            let lost = PQstatus(connection) == CONNECTION_BAD
            var error = PostgresError(
                lost ? .connectionLost : .server,
                sqlState: self.field(result, "C"),
                serverMessage: self.field(result, "M") ?? self.errorMessage(connection),
                target: lost ? target : nil
            )
            error.detail = self.field(result, "D")
            error.constraint = self.field(result, "n")
            error.table = self.field(result, "t")
            if let column = self.field(result, "c") { error.column = column }
            throw error
        default:
            PQclear(result)
            throw PostgresError(.unexpectedResult, reason: "unexpected libpq result status \(status.rawValue)")
        }
    }

    /// Copies a successful result into ``PostgresRows``.
    static func rows(from result: OpaquePointer) -> PostgresRows {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        var columns: [PostgresRows.Column] = []
        columns.reserveCapacity(columnCount)
        for column in 0..<columnCount {
            let name = PQfname(result, Int32(column)).map { String(cString: $0) } ?? ""
            columns.append(.init(name: name, type: PostgresDataType(rawValue: PQftype(result, Int32(column)))))
        }
        var bytes: [UInt8] = []
        var cells: [Range<Int>?] = []
        cells.reserveCapacity(rowCount * columnCount)
        for row in 0..<Int32(rowCount) {
            for column in 0..<Int32(columnCount) {
                if PQgetisnull(result, row, column) != 0 {
                    cells.append(nil)
                    continue
                }
                let length = Int(PQgetlength(result, row, column))
                let start = bytes.count
                if length > 0, let value = PQgetvalue(result, row, column) {
                    value.withMemoryRebound(to: UInt8.self, capacity: length) {
                        bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
                    }
                }
                cells.append(start..<bytes.count)
            }
        }
        let tag = PQcmdStatus(result).map { String(cString: $0) } ?? ""
        let affected = PQcmdTuples(result).flatMap { Int(String(cString: $0)) } ?? 0
        return PostgresRows(
            storage: .init(columns: columns, bytes: bytes, cells: cells),
            count: rowCount,
            affectedRowCount: affected,
            commandTag: tag
        )
    }

    /// One diagnostic field of an error result (`PG_DIAG_*`, given as its one-letter code).
    private static func field(_ result: OpaquePointer, _ code: Unicode.Scalar) -> String? {
        PQresultErrorField(result, Int32(code.value)).map { String(cString: $0) }
    }

    /// libpq's last error message on a connection, trimmed; nil if empty.
    static func errorMessage(_ connection: OpaquePointer) -> String? {
        guard let message = PQerrorMessage(connection) else { return nil }
        let text = String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}
