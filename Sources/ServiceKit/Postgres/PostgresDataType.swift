/// A PostgreSQL type, identified by its OID (the numbers are fixed in PostgreSQL's catalog).
public struct PostgresDataType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The type's OID.
    public let rawValue: UInt32

    /// Wraps an OID.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Let the server infer the type from the statement (used for NULL parameters).
    public static let unspecified = Self(rawValue: 0)
    /// `boolean`
    public static let bool = Self(rawValue: 16)
    /// `bytea`
    public static let bytea = Self(rawValue: 17)
    /// `"char"` (single byte)
    public static let char = Self(rawValue: 18)
    /// `name` (catalog identifiers)
    public static let name = Self(rawValue: 19)
    /// `bigint`
    public static let int8 = Self(rawValue: 20)
    /// `smallint`
    public static let int2 = Self(rawValue: 21)
    /// `integer`
    public static let int4 = Self(rawValue: 23)
    /// `text`
    public static let text = Self(rawValue: 25)
    /// `oid`
    public static let oid = Self(rawValue: 26)
    /// `json`
    public static let json = Self(rawValue: 114)
    /// `real`
    public static let float4 = Self(rawValue: 700)
    /// `double precision`
    public static let float8 = Self(rawValue: 701)
    /// `unknown` (untyped literals)
    public static let unknown = Self(rawValue: 705)
    /// `character(n)`
    public static let bpchar = Self(rawValue: 1042)
    /// `character varying(n)`
    public static let varchar = Self(rawValue: 1043)
    /// `timestamp without time zone`
    public static let timestamp = Self(rawValue: 1114)
    /// `timestamp with time zone`
    public static let timestamptz = Self(rawValue: 1184)
    /// `uuid`
    public static let uuid = Self(rawValue: 2950)
    /// `jsonb`
    public static let jsonb = Self(rawValue: 3802)

    /// The type's SQL name for the built-in types above, otherwise `oid <n>`.
    public var description: String {
        switch self {
        case .unspecified: "unspecified"
        case .bool: "bool"
        case .bytea: "bytea"
        case .char: "char"
        case .name: "name"
        case .int8: "int8"
        case .int2: "int2"
        case .int4: "int4"
        case .text: "text"
        case .oid: "oid"
        case .json: "json"
        case .float4: "float4"
        case .float8: "float8"
        case .unknown: "unknown"
        case .bpchar: "bpchar"
        case .varchar: "varchar"
        case .timestamp: "timestamp"
        case .timestamptz: "timestamptz"
        case .uuid: "uuid"
        case .jsonb: "jsonb"
        default: "oid \(self.rawValue)"
        }
    }

    /// Types whose binary form is UTF-8 text.
    var isTextual: Bool {
        self == .text || self == .varchar || self == .bpchar || self == .name || self == .unknown || self == .char
    }

    /// Integer types.
    var isInteger: Bool { self == .int2 || self == .int4 || self == .int8 || self == .oid }
}
