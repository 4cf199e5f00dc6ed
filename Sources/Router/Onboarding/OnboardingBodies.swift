import Wire

/// `POST /v1/signup`: `{"email","password","business_name","industry"?,"referral_code"?}`. The email and
/// password follow Identity's rules (checked again by IdentityService).
struct OnboardingSignupBody: RequestBody {
    /// A business name's length.
    static let businessNameLength = 1...120
    /// An industry's length.
    static let industryLength = 1...64
    /// A referral code's length.
    static let referralCodeLength = 1...64

    var email = ""
    var password = ""
    var businessName = ""
    var industry: String?
    var referralCode: String?

    static let fields: [BodyField<Self>] = [
        .email("email", \.email), .string("password", \.password, length: IdentityLimits.password),
        .displayName("business_name", \.businessName, length: businessNameLength),
        .string("industry", \.industry, length: industryLength, description: "Free text, kept with the owner."),
        .string("referral_code", \.referralCode, length: referralCodeLength,
                description: "The referring project's code (`GET /v1/billing/referrals`)."),
    ]
}
