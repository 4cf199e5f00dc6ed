import Testing

@testable import CommsService

/// The field a template's construction fails with, or nil.
fileprivate func parseFailure(subject: String = "S", text: String? = "T", html: String? = nil) -> String? {
    do {
        _ = try EmailTemplate(subject: subject, text: text, html: html)
        return nil
    } catch {
        return error.field
    }
}

@Suite("EmailTemplate")
struct EmailTemplateTests {
    @Test func variablesAreSortedAndUnique() throws {
        let template = try EmailTemplate(
            subject: "Hi {{name}} {{ name }}", text: "{{code}} for {{  user.email }}",
            html: "<a href=\"{{link}}\">{{name}}</a> {{a-b_c.9}}")
        #expect(template.variables == ["a-b_c.9", "code", "link", "name", "user.email"])
        #expect(try EmailTemplate(subject: "No vars", text: "none", html: nil).variables == [])
    }

    @Test func spacesInsideBracesDoNotMatter() throws {
        let template = try EmailTemplate(subject: "{{name}}|{{ name }}|{{   name}}", text: "x", html: nil)
        #expect(try template.render(["name": "Ana"]).subject == "Ana|Ana|Ana")
    }

    @Test func htmlIsEscapedOnlyInHTML() throws {
        let template = try EmailTemplate(
            subject: "Hi {{name}}", text: "Hello {{name}}", html: "<p title=\"{{name}}\">{{name}}</p>")
        let value = #"<b>Tom & "Jerry"</b> 'x'"#
        let rendered = try template.render(["name": value])
        #expect(rendered.subject == "Hi " + value)
        #expect(rendered.text == "Hello " + value)
        #expect(rendered.html == "<p title=\"&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt; &#39;x&#39;\">"
            + "&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt; &#39;x&#39;</p>")
    }

    @Test func missingVariableIsNamed() throws {
        let template = try EmailTemplate(subject: "Hi {{name}}", text: "{{code}} {{zeta}}", html: nil)
        do {
            _ = try template.render(["name": "Ana", "zeta": "z"])
            Issue.record("expected an error")
        } catch {
            #expect(error.field == "data.code")
            #expect(error.message.contains("code"))
            #expect(error.publicError.field == "data.code")
        }
    }

    @Test func extraDataIsIgnoredAndValuesAreNotReExpanded() throws {
        let template = try EmailTemplate(subject: "S", text: "{{a}}", html: "{{a}}")
        let rendered = try template.render(["a": "{{b}}", "b": "nope", "unused": "x"])
        #expect(rendered.text == "{{b}}")
        #expect(rendered.html == "{{b}}")
    }

    @Test func namesAreLookedUpLiterally() throws {
        let template = try EmailTemplate(subject: "S", text: "{{user.name}}", html: nil)
        #expect(try template.render(["user.name": "Ana"]).text == "Ana")
        #expect(throws: MailValidationError.self) { try template.render(["user": "{\"name\":\"Ana\"}"]) }
    }

    @Test func missingBodyStaysMissing() throws {
        let rendered = try EmailTemplate(subject: "S", text: nil, html: "<p>{{x}}</p>").render(["x": "1"])
        #expect(rendered.text == nil)
        #expect(rendered.html == "<p>1</p>")
    }

    @Test(arguments: [
        "{{", "{{name", "a {{name} b", "{{}}", "{{  }}", "{{first name}}", "{{{name}}}", "{{na$me}}",
        "{{name{{other}}", "{{ñame}}", "{{\(String(repeating: "a", count: 101))}}",
    ])
    func malformedPlaceholdersNameThePart(part: String) {
        #expect(parseFailure(subject: "S " + part) == "subject")
        #expect(parseFailure(text: part) == "text")
        #expect(parseFailure(html: "<p>" + part + "</p>") == "html")
    }

    @Test func strayClosingBracesAndSingleBracesAreText() throws {
        let html = "<style>@media (x){.a{color:red}}</style><p>{not a var} }}</p>"
        let template = try EmailTemplate(subject: "S", text: nil, html: html)
        #expect(template.variables == [])
        #expect(try template.render([:]).html == html)
    }

    @Test func subjectAndBodyRules() {
        #expect(parseFailure(subject: "") == "subject")
        #expect(parseFailure(subject: "  ") == "subject")
        #expect(parseFailure(subject: "Hi\r\nBcc: x@y.z") == "subject")
        #expect(parseFailure(text: nil, html: nil) == "text")
        #expect(parseFailure(text: "multi\nline\n") == nil)
    }

    @Test(arguments: ["\r", "\n", "\u{0085}", "\u{0000}"])
    func subjectValuesCannotInjectHeaders(control: String) throws {
        let template = try EmailTemplate(subject: "Hi {{name}}", text: "{{body}}", html: nil)
        #expect(throws: MailValidationError(
            field: "data.name",
            message: "The variable name is used in the subject and cannot contain line breaks or control characters.")
        ) { try template.render(["name": "Ana\(control)Bcc: x@y.z", "body": "ok"]) }
        #expect(try template.render(["name": "Ana", "body": "line\(control)break"]).text == "line\(control)break")
    }
}
