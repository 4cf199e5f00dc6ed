import Contracts

/// What a filter or sort key names: a `data` field by its dotted path (sent to PostgreSQL as a parameter and
/// split there: `data #> string_to_array($n, '.')`), or one of the columns `id`, `created_at`, `updated_at`.
enum DocumentField: Sendable, Hashable {
    case data(path: String)
    case id
    case createdAt
    case updatedAt

    /// The longest dotted path, in bytes.
    static let maxPathBytes = 512

    /// Reads `name`; `VALIDATION_FAILED` (naming `field`) for an empty segment, control characters or an
    /// over-long path. Quotes, SQL and any other text are fine: the path is only ever a parameter.
    init(_ name: String, field: String) throws(PublicError) {
        switch name {
        case "id": self = .id
        case "created_at": self = .createdAt
        case "updated_at": self = .updatedAt
        default:
            guard !name.isEmpty, name.utf8.count <= Self.maxPathBytes,
                  !name.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty),
                  !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
            else {
                throw PublicError.validation(
                    field, "A field is a dotted path of non-empty names (at most \(Self.maxPathBytes) bytes).")
            }
            self = .data(path: name)
        }
    }

    /// The `jsonb` value of a `data` field (SQL NULL when missing).
    static func json(_ path: String, _ parameters: inout SQLParameters) -> String {
        json(pathSQL: parameters.bind(path))
    }

    /// The `jsonb` value of a `data` field whose path is the SQL `pathSQL` (a placeholder, or in an index's
    /// definition a literal PostgreSQL quoted).
    static func json(pathSQL: String) -> String {
        "(data #> string_to_array(\(pathSQL), '.'))"
    }

    /// A `data` field's `jsonb` value with a missing field as JSON `null`: what lists sort by, what `eq`,
    /// `in`, `is` and number ranges compare, and what a declared index is built on.
    static func key(pathSQL: String) -> String {
        "COALESCE(\(json(pathSQL: pathSQL)), 'null'::jsonb)"
    }

    /// The sort expression and the type its cursor value is cast back to: `data` fields compare as
    /// `jsonb` (numbers numerically; a missing field as JSON `null`, first), `id` byte-wise.
    func sortKey(_ parameters: inout SQLParameters) -> (expression: String, type: String) {
        sortKey { parameters.bind($0) }
    }

    /// ``sortKey(_:)`` with each path made SQL by `pathSQL`. A declared index is built on exactly this
    /// expression, and filters on `data` fields compare it, so PostgreSQL (which folds the path parameter
    /// into a constant when it plans) matches them to the index.
    func sortKey(pathSQL: (String) -> String) -> (expression: String, type: String) {
        switch self {
        case .data(let path): (Self.key(pathSQL: pathSQL(path)), "jsonb")
        case .id: ("(id COLLATE \"C\")", "text")
        case .createdAt: ("created_at", "timestamptz")
        case .updatedAt: ("updated_at", "timestamptz")
        }
    }
}
