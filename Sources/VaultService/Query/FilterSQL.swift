import Contracts
import Foundation

/// Turns one checked filter into a SQL condition whose every value (and field path) is a parameter.
///
/// On a `data` field: a value that reads as a JSON number matches stored numbers numerically; any other
/// value matches stored strings, byte by byte (`COLLATE "C"`, or `jsonb` equality, which is byte equality);
/// a missing field matches no comparison, and `is.null`. `eq`, `in`, `is` and number ranges compare the
/// field's sort key (``DocumentField/sortKey(pathSQL:)``) with a `jsonb` value, the very expression a
/// declared index is built on, so PostgreSQL uses the index. A negated condition is `NOT COALESCE(…,
/// false)`, so `not.` also keeps documents that lack the field. `like`/`ilike` take `*` as their only
/// wildcard (`%`, `_` and `\` match themselves).
enum FilterSQL {
    /// The condition of `expression` on `field` (`name` is the query's field name, for errors).
    static func condition(
        _ field: DocumentField, _ expression: FilterExpression, name: String, _ parameters: inout SQLParameters
    ) throws(PublicError) -> String {
        let positive: String
        switch field {
        case .data(let path):
            positive = try data(parameters.bind(path), expression, name, &parameters)
        case .id:
            positive = try column("(id COLLATE \"C\")", cast: "text", expression, name, &parameters)
        case .createdAt:
            positive = try column("created_at", cast: "timestamptz", expression, name, &parameters)
        case .updatedAt:
            positive = try column("updated_at", cast: "timestamptz", expression, name, &parameters)
        }
        return expression.negated ? "NOT COALESCE((\(positive)), false)" : "(\(positive))"
    }

    private static let comparisons: [FilterExpression.Operator: String] = [
        .eq: "=", .neq: "<>", .gt: ">", .gte: ">=", .lt: "<", .lte: "<=",
    ]

    private static func data(
        _ path: String, _ expression: FilterExpression, _ name: String, _ parameters: inout SQLParameters
    ) throws(PublicError) -> String {
        let json = DocumentField.json(pathSQL: path)
        let key = DocumentField.key(pathSQL: path)
        let text = "(data #>> string_to_array(\(path), '.')) COLLATE \"C\""
        let isString = "jsonb_typeof(\(json)) = 'string'"
        switch (expression.op, expression.operand) {
        case (.is, .literal(let literal)):
            return "\(key) = '\(literal.rawValue)'::jsonb"
        case (.like, .value(let value)), (.ilike, .value(let value)):
            return "\(isString) AND \(text) \(expression.op == .like ? "LIKE" : "ILIKE") \(parameters.bind(pattern(value)))"
        case (.in, .list(let numbers, let texts)):
            let values = numbers + texts.map(jsonString)
            return "\(key) = ANY(\(parameters.bind(arrayLiteral(values)))::jsonb[])"
        case (.eq, .value(let value)):
            return "\(key) = \(parameters.bind(JSONNumber.isNumber(value) ? value : jsonString(value)))::jsonb"
        case (let op, .value(let value)):
            guard let comparison = comparisons[op] else { throw invalid(name) }
            if JSONNumber.isNumber(value) {
                return "jsonb_typeof(\(json)) = 'number' AND \(key) \(comparison) \(parameters.bind(value))::jsonb"
            }
            return "\(isString) AND \(text) \(comparison) \(parameters.bind(value))"
        default:
            throw invalid(name)
        }
    }

    /// `text` as a JSON string.
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    private static func column(
        _ column: String, cast: String, _ expression: FilterExpression, _ name: String, _ parameters: inout SQLParameters
    ) throws(PublicError) -> String {
        let isTime = cast == "timestamptz"
        func checked(_ value: String) throws(PublicError) -> String {
            guard !isTime || Timestamp.isValid(value) else {
                throw PublicError.validation(name, "\(name) takes RFC 3339 timestamps (2030-01-02T03:04:05Z).")
            }
            return value
        }
        switch (expression.op, expression.operand) {
        case (.is, .literal(.null)):
            return "false"
        case (.like, .value(let value)) where !isTime, (.ilike, .value(let value)) where !isTime:
            return "\(column) \(expression.op == .like ? "LIKE" : "ILIKE") \(parameters.bind(pattern(value)))"
        case (.in, .list(let numbers, let texts)):
            var values: [String] = []
            for item in numbers + texts { values.append(try checked(item)) }
            return "\(column) = ANY(\(parameters.bind(arrayLiteral(values)))::\(cast)[])"
        case (let op, .value(let value)):
            guard let comparison = comparisons[op] else { throw invalid(name) }
            return "\(column) \(comparison) \(parameters.bind(try checked(value)))::\(cast)"
        default:
            throw invalid(name)
        }
    }

    private static func invalid(_ name: String) -> PublicError {
        PublicError.validation(name, "This operator does not apply to \(name).")
    }

    /// A LIKE pattern: `*` is the wildcard; `%`, `_` and `\` are escaped to match themselves.
    static func pattern(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\", "%", "_": out.append("\\"); out.append(character)
            case "*": out.append("%")
            default: out.append(character)
            }
        }
        return out
    }

    /// A PostgreSQL array literal of `items` (each quoted and escaped), bound as one parameter.
    static func arrayLiteral(_ items: [String]) -> String {
        "{" + items.map { item in
            "\"" + item.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }.joined(separator: ",") + "}"
    }
}

/// RFC 3339 timestamps as filters and cursors take them.
enum Timestamp {
    /// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, a real date and time.
    static func isValid(_ text: String) -> Bool {
        let pattern = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})/
        guard text.wholeMatch(of: pattern) != nil else { return false }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = text.contains(".") ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
        return formatter.date(from: text) != nil
    }
}
