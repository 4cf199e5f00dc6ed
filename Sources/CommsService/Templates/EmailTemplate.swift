/// A stored email template: `{{variable}}` placeholders in subject, text and html.
///
/// Placeholder names are `[A-Za-z0-9_.-]+`, optionally padded with spaces inside the braces (`{{ name }}` is
/// `{{name}}`). A name is only ever looked up literally in the data: no expressions, no code, no nested lookups
/// (`user.name` is the key `"user.name"`). Values are HTML-escaped in `html` and inserted as they are in
/// `subject` and `text`. A `{{` without its `}}`, an empty or invalid name, or `{{{…}}}` is refused; a lone `}}`
/// is ordinary text (CSS in HTML has those).
///
/// ```swift
/// let template = try EmailTemplate(subject: "Hi {{name}}", text: "Code: {{ code }}", html: nil)
/// template.variables                       // ["code", "name"]
/// let filled = try template.render(["name": "Ana", "code": "123456"])
/// ```
struct EmailTemplate: Sendable, Hashable {
    /// The subject with its placeholders.
    var subject: String
    /// The plain-text body with its placeholders, if any.
    var text: String?
    /// The HTML body with its placeholders, if any.
    var html: String?

    /// The parsed parts (derived from the three strings above).
    private var subjectSegments: [EmailTemplateSegment]
    private var textSegments: [EmailTemplateSegment]?
    private var htmlSegments: [EmailTemplateSegment]?

    /// Parses the placeholders; a malformed one throws naming the part (`subject`, `text` or `html`). The subject
    /// must be non-empty and free of line breaks and control characters; at least one body is required.
    init(subject: String, text: String?, html: String?) throws(MailValidationError) {
        if subject.mimeTrimmingSpaces().isEmpty {
            throw MailValidationError(field: "subject", message: "The subject is required.")
        }
        if MIMECharacters.containsControl(subject) {
            throw MailValidationError(
                field: "subject", message: "The subject cannot contain line breaks or control characters.")
        }
        if text == nil && html == nil {
            throw MailValidationError(field: "text", message: "The template needs a text or an html body.")
        }
        self.subject = subject
        self.text = text
        self.html = html
        subjectSegments = try EmailTemplateSegment.parse(subject, field: "subject")
        textSegments = try text.map { (part) throws(MailValidationError) in
            try EmailTemplateSegment.parse(part, field: "text")
        }
        htmlSegments = try html.map { (part) throws(MailValidationError) in
            try EmailTemplateSegment.parse(part, field: "html")
        }
    }

    /// The placeholder names used anywhere in the template, sorted and unique.
    var variables: [String] {
        var names = Set<String>()
        for segments in [subjectSegments, textSegments ?? [], htmlSegments ?? []] {
            for case .variable(let name) in segments { names.insert(name) }
        }
        return names.sorted()
    }

    /// Fills the placeholders from `data` (extra keys are ignored): HTML-escaped (`& < > " '`) in html, as they
    /// are in subject and text. A missing variable throws `data.<name>` (the first missing name, sorted); a
    /// value with a line break or control character used in the subject throws `data.<name>` too.
    func render(_ data: [String: String]) throws(MailValidationError) -> (subject: String, text: String?, html: String?) {
        if let missing = variables.first(where: { data[$0] == nil }) {
            throw MailValidationError(
                field: "data.\(missing)", message: "The template needs the variable \(missing).")
        }
        for case .variable(let name) in subjectSegments where MIMECharacters.containsControl(data[name]!) {
            throw MailValidationError(
                field: "data.\(name)",
                message: "The variable \(name) is used in the subject and cannot contain line breaks or control characters.")
        }
        let subject = EmailTemplateSegment.fill(subjectSegments, data, escapingHTML: false)
        let text = textSegments.map { EmailTemplateSegment.fill($0, data, escapingHTML: false) }
        let html = htmlSegments.map { EmailTemplateSegment.fill($0, data, escapingHTML: true) }
        return (subject, text, html)
    }
}
