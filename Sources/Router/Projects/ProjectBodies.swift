import Foundation

/// `POST /v1/admin/projects`: `{"name","plan"?}`, a name of 1–200 characters with at least one that is not
/// blank (the name is stored trimmed); `plan` a plan id of the catalog (BillingService checks it), absent for
/// a trial.
struct CreateProjectBody: RequestBody {
    /// The longest name.
    static let nameLength = 1...200

    var name = ""
    var plan: String?

    static let fields: [BodyField<Self>] = [
        .displayName("name", \.name, length: nameLength), .string("plan", \.plan, length: 1...32),
    ]
}

/// `PATCH /v1/admin/projects/{id}`: `{"rate_limit"?:{"per_second","burst"},"publishable_rate_limit"?:{…},
/// "billing_email"?}`; what is absent (or `null`) stays as it is.
struct PatchProjectBody: RequestBody {
    /// A project's budget.
    struct Limit: RequestBody {
        var perSecond = 1
        var burst = 1

        static let fields: [BodyField<Self>] = [
            .integer("per_second", \.perSecond, range: 1...1_000_000),
            .integer("burst", \.burst, range: 1...100_000),
        ]

        /// The budget it states.
        var limit: RateLimit { RateLimit(perSecond: Double(perSecond), burst: burst) }
    }

    /// The longest email address (RFC 5321's path limit).
    static let emailLength = 3...254

    var rateLimit: Limit?
    var publishableRateLimit: Limit?
    var billingEmail: String?
    /// `metering`: false lets the project's metered routes through without the credit guard (benchmarks,
    /// the platform's own projects); BillingService keeps it.
    var metering: Bool?

    static let fields: [BodyField<Self>] = [
        .object("rate_limit", \.rateLimit), .object("publishable_rate_limit", \.publishableRateLimit),
        .boolean("metering", \.metering),
        .custom("billing_email", schema: [
            "type": ["string", "null"], "format": "email", "minLength": .int(emailLength.lowerBound),
            "maxLength": .int(emailLength.upperBound),
        ], required: false) { container, body, prefix in
            guard let email = try BodyField<Self>.value(String.self, container, "billing_email", prefix, expected: "a string")
            else { return }
            guard emailLength.contains(email.schemaLength), isPlausibleEmail(email) else {
                throw RouterError.validation(prefix + "billing_email", "billing_email must be an email address.")
            }
            body.billingEmail = email
        },
    ]

    /// One `@` with something on each side, a dot in the domain, no spaces or control characters.
    static func isPlausibleEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
            !parts[1].hasSuffix(".")
        else { return false }
        return text.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value != 0x7F }
    }
}

/// The blank characters of JSON Schema's `\s` (ECMA-262 white space and line terminators), so the Router's
/// "not all blank" is exactly what the document's `pattern: "\S"` says.
enum BlankCharacters {
    /// Whether `scalar` is blank.
    static func contains(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF: true
        default: false
        }
    }

    /// `text` without leading and trailing blanks.
    static func trimming(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !contains($0) }),
            let last = scalars.lastIndex(where: { !contains($0) })
        else { return "" }
        return String(scalars[first...last])
    }
}
