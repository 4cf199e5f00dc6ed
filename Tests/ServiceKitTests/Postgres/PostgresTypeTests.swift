import Foundation
import Testing
@testable import ServiceKit

@Suite("PostgreSQL types", .enabled(if: PostgresTestEnvironment.isAvailable, PostgresTestEnvironment.disabledReason))
struct PostgresTypeTests {
    struct Prefs: Codable, Equatable, Sendable {
        var theme: String
        var volume: Int
        var tags: [String]
    }

    private func withTable(
        _ columns: String,
        _ body: (PostgresPool, String) async throws -> Void
    ) async throws {
        let pool = PostgresPool(configuration: try PostgresTestEnvironment.configuration(maxConnections: 2))
        let table = PostgresTestEnvironment.uniqueName("types")
        try await pool.execute("CREATE TABLE \(table) (\(columns))")
        do {
            try await body(pool, table)
        } catch {
            _ = try? await pool.execute("DROP TABLE IF EXISTS \(table)")
            await pool.close()
            throw error
        }
        try await pool.execute("DROP TABLE IF EXISTS \(table)")
        await pool.close()
    }

    @Test("every supported type round-trips, including NULLs and unicode")
    func roundTrip() async throws {
        let columns = """
            id int PRIMARY KEY, t text, i8 bigint, i4 integer, i2 smallint, b boolean, d double precision,
            ts timestamptz, by bytea, j jsonb, u uuid
            """
        try await self.withTable(columns) { pool, table in
            let text = "héllo 🐱 猫 ñ e\u{301} 𝄞 ' \" \\ $1"
            let date = Date(timeIntervalSince1970: 1_700_000_000.123456)
            let old = Date(timeIntervalSince1970: -86_400.5)  // before PostgreSQL's 2000 epoch and Unix's
            let bytes: [UInt8] = [0, 1, 2, 0xfe, 0xff, 0]
            let uuid = UUID()
            let prefs = Prefs(theme: "dark 🌙", volume: -3, tags: ["a", "猫"])
            let insert = "INSERT INTO \(table) (id, t, i8, i4, i2, b, d, ts, by, j, u) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)"
            try await pool.execute(insert, [
                1, text, Int64.max, Int32.min, Int16.max, true, -0.25, date, bytes, PostgresJSON(prefs), uuid,
            ])
            try await pool.execute(insert, [
                2, "", Int64.min, Int32.max, Int16.min, false, Double.infinity, old, [UInt8](),
                PostgresValue.jsonb(Array(#"{"raw": [1, "二"]}"#.utf8)), UUID?.none,
            ])
            let nothing: String? = nil
            try await pool.execute(insert, [
                3, nothing, Int64?.none, Int32?.none, Int16?.none, Bool?.none, Double?.none, Date?.none,
                [UInt8]?.none, PostgresValue.null, UUID?.none,
            ])

            let rows = try await pool.query("SELECT id, t, i8, i4, i2, b, d, ts, by, j, u FROM \(table) ORDER BY id")
            #expect(rows.count == 3)
            #expect(rows.columns.map(\.name) == ["id", "t", "i8", "i4", "i2", "b", "d", "ts", "by", "j", "u"])

            let first = rows[0]
            #expect(try first.decode(String.self, named: "t") == text)
            #expect(try first.decode(Int64.self, named: "i8") == Int64.max)
            #expect(try first.decode(Int.self, named: "i8") == Int.max)
            #expect(try first.decode(Int32.self, named: "i4") == Int32.min)
            #expect(try first.decode(Int16.self, named: "i2") == Int16.max)
            #expect(try first.decode(Bool.self, named: "b") == true)
            #expect(try first.decode(Double.self, named: "d") == -0.25)
            let decodedDate = try first.decode(Date.self, named: "ts")
            #expect(abs(decodedDate.timeIntervalSince1970 - date.timeIntervalSince1970) < 0.000_001)
            #expect(try first.decode([UInt8].self, named: "by") == bytes)
            #expect(try first.decode(Data.self, named: "by") == Data(bytes))
            #expect(try first.decode(PostgresJSON<Prefs>.self, named: "j").value == prefs)
            #expect(try first.decode(UUID.self, named: "u") == uuid)
            let rawJSON = try first.decode(String.self, named: "j")
            let reparsed = try JSONDecoder().decode(Prefs.self, from: Data(rawJSON.utf8))
            #expect(reparsed == prefs)

            let second = rows[1]
            let (id, emptyText, minInt, maxInt32, minInt16) = try second.decode((Int, String, Int64, Int32, Int16).self)
            #expect(id == 2 && emptyText == "" && minInt == .min && maxInt32 == .max && minInt16 == .min)
            #expect(try second.decode(Double.self, named: "d") == .infinity)
            #expect(try second.decode(Date.self, named: "ts").timeIntervalSince1970 == -86_400.5)
            #expect(try second.decode([UInt8].self, named: "by") == [])
            #expect(try second.decode([UInt8].self, named: "j") == Array(#"{"raw": [1, "二"]}"#.utf8))
            #expect(try second.decode(UUID?.self, named: "u") == nil)

            let third = rows[2]
            #expect(try third.decode(String?.self, named: "t") == nil)
            #expect(try third.decode(Int64?.self, named: "i8") == nil)
            #expect(try third.decode(Int32?.self, named: "i4") == nil)
            #expect(try third.decode(Int16?.self, named: "i2") == nil)
            #expect(try third.decode(Bool?.self, named: "b") == nil)
            #expect(try third.decode(Double?.self, named: "d") == nil)
            #expect(try third.decode(Date?.self, named: "ts") == nil)
            #expect(try third.decode([UInt8]?.self, named: "by") == nil)
            #expect(try third.decode(PostgresJSON<Prefs>?.self, named: "j") == nil)
            #expect(try third.decode(UUID?.self, named: "u") == nil)
        }
    }

    @Test("NUL in text is rejected with a typed error naming the parameter, not the value")
    func nulInText() async throws {
        let pool = PostgresPool(configuration: try PostgresTestEnvironment.configuration(maxConnections: 1))
        let error = await #expect(throws: PostgresError.self) {
            try await pool.query("SELECT $1::text", ["se\0cret"])
        }
        #expect(error?.code == .invalidParameter)
        #expect(error?.column == "$1")
        #expect(error?.description.contains("cret") == false)
        // The pool still works afterwards.
        #expect(try await pool.query("SELECT 'ok'::text").first?.decode(String.self, at: 0) == "ok")
        await pool.close()
    }

    @Test("wrong types, NULL into non-optionals and missing columns are typed decoding errors")
    func decodingErrors() async throws {
        let pool = PostgresPool(configuration: try PostgresTestEnvironment.configuration(maxConnections: 1))
        let rows = try await pool.query(
            "SELECT 'abc'::text AS name, NULL::int AS missing, 5000000000::bigint AS big, 1.5::numeric AS n"
        )
        let row = try #require(rows.first)
        let wrongType = #expect(throws: PostgresError.self) { try row.decode(Int.self, named: "name") }
        #expect(wrongType?.code == .decoding)
        #expect(wrongType?.column == "name")
        let null = #expect(throws: PostgresError.self) { try row.decode(Int.self, named: "missing") }
        #expect(null?.code == .decoding)
        #expect(null?.column == "missing")
        #expect(try row.decode(Int?.self, named: "missing") == nil)
        let overflow = #expect(throws: PostgresError.self) { try row.decode(Int32.self, named: "big") }
        #expect(overflow?.code == .decoding)
        #expect(try row.decode(Int.self, named: "big") == 5_000_000_000)
        let unsupported = #expect(throws: PostgresError.self) { try row.decode(Double.self, named: "n") }
        #expect(unsupported?.code == .decoding)
        let noColumn = #expect(throws: PostgresError.self) { try row.decode(String.self, named: "nope") }
        #expect(noColumn?.code == .decoding)
        #expect(throws: PostgresError.self) { try row.decode(String.self, at: 9) }
        let json = try await pool.query(#"SELECT '{"theme": 1}'::jsonb"#)
        let badJSON = #expect(throws: PostgresError.self) { try json[0].decode(PostgresJSON<Prefs>.self, at: 0) }
        #expect(badJSON?.code == .decoding)
        await pool.close()
    }

    @Test("an injection attempt passed as a parameter is stored literally")
    func injectionIsData() async throws {
        try await self.withTable("id serial PRIMARY KEY, body text NOT NULL") { pool, table in
            let hostile = "'); DROP TABLE \(table); --"
            try await pool.execute("INSERT INTO \(table) (body) VALUES ($1)", [hostile])
            let rows = try await pool.query("SELECT body FROM \(table) WHERE body = $1", [hostile])
            #expect(rows.count == 1)
            #expect(try rows[0].decode(String.self, at: 0) == hostile)
            let count = try await pool.query("SELECT count(*) FROM \(table)")
            #expect(try count[0].decode(Int.self, at: 0) == 1)
        }
    }

    @Test("a unique violation exposes SQLSTATE 23505 and the constraint, but no value, in its description")
    func uniqueViolation() async throws {
        try await self.withTable("email text PRIMARY KEY") { pool, table in
            try await pool.execute("INSERT INTO \(table) (email) VALUES ($1)", ["cat@example.com"])
            let error = await #expect(throws: PostgresError.self) {
                try await pool.execute("INSERT INTO \(table) (email) VALUES ($1)", ["cat@example.com"])
            }
            #expect(error?.code == .server)
            #expect(error?.isUniqueViolation == true)
            #expect(error?.constraint == "\(table)_pkey")
            #expect(error?.description.contains("cat@example.com") == false)
            #expect(error?.detail?.contains("cat@example.com") == true)
            #expect(try await pool.execute("DELETE FROM \(table) WHERE email = $1", ["cat@example.com"]) == 1)
        }
    }
}
