import ServiceKit

/// The parameters of a statement being built: each value is appended and referred to by its `$n`, so
/// nothing a caller wrote is ever spliced into the SQL text.
struct SQLParameters: Sendable {
    /// The values, `$1` first.
    private(set) var values: [any PostgresEncodable] = []

    /// Appends `value` and answers its placeholder.
    mutating func bind(_ value: any PostgresEncodable) -> String {
        values.append(value)
        return "$\(values.count)"
    }
}
