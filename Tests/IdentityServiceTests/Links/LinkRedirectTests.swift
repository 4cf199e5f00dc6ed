import Contracts
import Testing
import Wire
@testable import IdentityService

@Suite("Link redirects")
struct LinkRedirectTests {
    static let allowList = [
        "https://app.example.com/welcome", "https://app.example.com/app/", "http://localhost:3000/", "https://x.example.com",
    ]

    @Test("exact entries and slash-ended prefixes are allowed", arguments: [
        "https://app.example.com/welcome", "https://app.example.com/app/", "https://app.example.com/app/a/b?c=d#e",
        "http://localhost:3000/", "http://localhost:3000/cb", "https://x.example.com",
    ])
    func allowed(_ candidate: String) {
        #expect(LinkRedirect.isAllowed(candidate, by: Self.allowList))
    }

    @Test("everything else is refused", arguments: [
        "https://evil.example.net/", "//evil.example.net/app/", "https://app.example.com.evil.net/app/",
        "https://app.example.com@evil.net/app/", "https://user:pw@app.example.com/app/x", "https://app.example.com\\@evil.net/",
        "https://app.example.com/app\\..\\x", "javascript:alert(1)//https://app.example.com/app/", "https://app.example.com/welcome/",
        "https://app.example.com/welcomex", "http://app.example.com/app/x", "https://app.example.com:8443/app/x",
        "https:///app.example.com/app/", "https://app.example.com/app/ x", "https://app.example.com/app/\u{0}",
        "https://x.example.com.evil.net", "https://x.example.com/", "http://localhost:30001/", "", "HTTPS://APP.EXAMPLE.COM/app/x",
        "https://app.example.com/app/é",
    ])
    func refused(_ candidate: String) {
        #expect(!LinkRedirect.isAllowed(candidate, by: Self.allowList))
    }

    @Test("an unsafe allow-list entry admits nothing")
    func unsafeEntries() {
        #expect(!LinkRedirect.isAllowed("https://a@b.example/x", by: ["https://a@b.example/"]))
        #expect(!LinkRedirect.isAllowed("ftp://files.example/x", by: ["ftp://files.example/"]))
        #expect(!LinkRedirect.isAllowed("https://b.example/x", by: ["https:/"]))
    }

    @Test("the base: the redirect if allowed (else VALIDATION_FAILED redirect_to), else the site URL, else none")
    func base() throws {
        var settings = IdentitySettings(
            siteURL: "https://app.example.com/cb", redirectAllowList: Self.allowList, confirmEmail: false,
            accessTokenLifetime: 3600, magicLinkLifetime: 900, recoveryLifetime: 3600, confirmationLifetime: 86400)
        #expect(try LinkRedirect.base(requested: nil, settings: settings) == "https://app.example.com/cb")
        #expect(try LinkRedirect.base(requested: "https://app.example.com/app/x", settings: settings) == "https://app.example.com/app/x")
        #expect(throws: PublicError.validation("redirect_to", "The redirect is not in the project's allow-list.")) {
            _ = try LinkRedirect.base(requested: "https://evil.example.net/", settings: settings)
        }
        settings.siteURL = nil
        #expect(try LinkRedirect.base(requested: nil, settings: settings) == nil)
        settings.siteURL = "javascript:alert(1)"
        #expect(try LinkRedirect.base(requested: nil, settings: settings) == nil)
        #expect(throws: PublicError.validation("redirect_to", "The redirect is not in the project's allow-list.")) {
            _ = try LinkRedirect.base(requested: "https://evil.example.net/", settings: settings)
        }
    }

    @Test("the link appends token and type to the query, before a fragment")
    func link() {
        #expect(LinkRedirect.link(base: "https://a.example/cb", token: "T", type: .magiclink)
            == "https://a.example/cb?token=T&type=magiclink")
        #expect(LinkRedirect.link(base: "https://a.example/cb?x=1", token: "T", type: .recovery)
            == "https://a.example/cb?x=1&token=T&type=recovery")
        #expect(LinkRedirect.link(base: "https://a.example/cb?", token: "T", type: .signup)
            == "https://a.example/cb?token=T&type=signup")
        #expect(LinkRedirect.link(base: "https://a.example/#/auth", token: "T", type: .magiclink)
            == "https://a.example/?token=T&type=magiclink#/auth")
    }
}
