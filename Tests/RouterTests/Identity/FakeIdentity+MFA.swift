import Contracts
import Foundation
import Wire

extension FakeIdentity {
    /// The MFA methods: enroll answers a fixed enrollment, verify a session (`000000` is wrong), delete 404s
    /// `mfa_missing`.
    func registerMFA() {
        self.server.register(IdentityContract.mfaEnroll) { _, context in
            self.record("identity.MFAEnroll", context)
            return MFAEnrollment(
                factorID: "mfa_1", secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
                otpauthURI: "otpauth://totp/app.example.com:ana%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
                recoveryCodes: (0..<10).map { "aaaaa-bbbb\($0)" })
        }
        self.server.register(IdentityContract.mfaVerify) { request, context in
            self.record("identity.MFAVerify", context, "\(request.factorID) \(request.code ?? "-") \(request.recoveryCode ?? "-")")
            if request.code == "000000" { throw PublicError(.invalidToken, "The code is not valid.") }
            return Self.session()
        }
        self.server.register(IdentityContract.mfaDeleteFactor) { request, context in
            self.record("identity.MFADeleteFactor", context, request.factorID)
            if request.factorID == "mfa_missing" { throw PublicError.notFound("No such factor.") }
            return Empty()
        }
    }
}
