/// The built-in templates other services use by name when the project has none of its own.
///
/// | name | variables |
/// |---|---|
/// | `identity.magiclink` | `code`, `email`, `expires_minutes`, `link` |
/// | `identity.recovery` | `code`, `email`, `expires_minutes`, `link` |
/// | `identity.confirmation` | `code`, `email`, `expires_minutes`, `link` |
/// | `identity.magiclink.code` | `code`, `email`, `expires_minutes` |
/// | `identity.recovery.code` | `code`, `email`, `expires_minutes` |
/// | `identity.confirmation.code` | `code`, `email`, `expires_minutes` |
///
/// The `….code` ones carry the 6-digit code alone: IdentityService sends them when the project has no site URL
/// and the request no `redirect_to`, so there is no link to give.
///
/// ```swift
/// let template = BuiltInTemplates.template(named: "identity.magiclink")!
/// let mail = try template.render(["link": url, "code": "123456", "email": email, "expires_minutes": "15"])
/// ```
enum BuiltInTemplates {
    /// Every built-in template's name, sorted.
    static var names: [String] { all.keys.sorted() }

    /// The built-in template called `name`, or nil.
    static func template(named name: String) -> EmailTemplate? { all[name] }

    private static let all: [String: EmailTemplate] = [
        "identity.magiclink": make(
            subject: "Your sign-in link",
            text: """
                Hi,

                Use this link to sign in as {{email}}:

                {{link}}

                Or enter this code: {{code}}

                The link and the code work once and expire in {{expires_minutes}} minutes. If you did not ask \
                to sign in, you can ignore this email.
                """,
            html: page(
                heading: "Sign in",
                body: """
                    <p>Use this button to sign in as <strong>{{email}}</strong>:</p>
                    <p><a href="{{link}}" style="\(buttonStyle)">Sign in</a></p>
                    <p>Or enter this code: <strong style="\(codeStyle)">{{code}}</strong></p>
                    <p style="color:#666">The link and the code work once and expire in {{expires_minutes}} \
                    minutes. If you did not ask to sign in, you can ignore this email.</p>
                    """)),
        "identity.recovery": make(
            subject: "Reset your password",
            text: """
                Hi,

                Someone asked to reset the password of {{email}}. Use this link to choose a new one:

                {{link}}

                Or enter this code: {{code}}

                The link and the code work once and expire in {{expires_minutes}} minutes. If it was not you, \
                you can ignore this email: your password stays the same.
                """,
            html: page(
                heading: "Reset your password",
                body: """
                    <p>Someone asked to reset the password of <strong>{{email}}</strong>.</p>
                    <p><a href="{{link}}" style="\(buttonStyle)">Choose a new password</a></p>
                    <p>Or enter this code: <strong style="\(codeStyle)">{{code}}</strong></p>
                    <p style="color:#666">The link and the code work once and expire in {{expires_minutes}} \
                    minutes. If it was not you, you can ignore this email: your password stays the same.</p>
                    """)),
        "identity.confirmation": make(
            subject: "Confirm your email",
            text: """
                Hi,

                Please confirm that {{email}} is your email address by opening this link:

                {{link}}

                Or enter this code: {{code}}

                The link and the code work once and expire in {{expires_minutes}} minutes. If you did not sign \
                up, you can ignore this email.
                """,
            html: page(
                heading: "Confirm your email",
                body: """
                    <p>Please confirm that <strong>{{email}}</strong> is your email address.</p>
                    <p><a href="{{link}}" style="\(buttonStyle)">Confirm my email</a></p>
                    <p>Or enter this code: <strong style="\(codeStyle)">{{code}}</strong></p>
                    <p style="color:#666">The link and the code work once and expire in {{expires_minutes}} \
                    minutes. If you did not sign up, you can ignore this email.</p>
                    """)),
        "identity.magiclink.code": codeOnly(
            subject: "Your sign-in code", heading: "Sign in",
            ask: { "To sign in as \($0), enter this code where you asked to sign in:" },
            ignore: "If you did not ask to sign in, you can ignore this email."),
        "identity.recovery.code": codeOnly(
            subject: "Reset your password", heading: "Reset your password",
            ask: {
                "Someone asked to reset the password of \($0). To choose a new one, enter this code where you "
                    + "asked for the reset:"
            },
            ignore: "If it was not you, you can ignore this email: your password stays the same."),
        "identity.confirmation.code": codeOnly(
            subject: "Confirm your email", heading: "Confirm your email",
            ask: { "To confirm that \($0) is your email address, enter this code where you signed up:" },
            ignore: "If you did not sign up, you can ignore this email."),
    ]

    private static let codeStyle = "font-size:20px;letter-spacing:2px"

    /// A template that carries the code alone: `ask(email)` is the sentence that asks for it (the email in bold
    /// in the HTML), `ignore` what to do when the reader did not ask.
    private static func codeOnly(
        subject: String, heading: String, ask: (String) -> String, ignore: String
    ) -> EmailTemplate {
        make(
            subject: subject,
            text: """
                Hi,

                \(ask("{{email}}"))

                {{code}}

                The code works once and expires in {{expires_minutes}} minutes. \(ignore)
                """,
            html: page(
                heading: heading,
                body: """
                    <p>\(ask("<strong>{{email}}</strong>"))</p>
                    <p><strong style="\(codeStyle)">{{code}}</strong></p>
                    <p style="color:#666">The code works once and expires in {{expires_minutes}} minutes. \(ignore)</p>
                    """))
    }

    private static let buttonStyle =
        "display:inline-block;padding:12px 20px;background:#6b4de6;color:#ffffff;text-decoration:none;border-radius:6px"

    /// A small, self-contained HTML page around `body`.
    private static func page(heading: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html><body style="margin:0;padding:24px;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;\
        font-size:16px;line-height:1.5;color:#222">
        <h1 style="font-size:22px;margin:0 0 16px">\(heading)</h1>
        \(body)
        </body></html>

        """
    }

    private static func make(subject: String, text: String, html: String) -> EmailTemplate {
        do {
            return try EmailTemplate(subject: subject, text: text + "\n", html: html)
        } catch {
            preconditionFailure("BuiltInTemplates: a built-in template does not parse: \(error.field)")
        }
    }
}
