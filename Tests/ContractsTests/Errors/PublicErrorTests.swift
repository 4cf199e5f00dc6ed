import Contracts
import Testing
import Wire

@Suite("PublicError")
struct PublicErrorTests {
    @Test("crosses Wire as a typed detail: code, message and every context member come back typed")
    func roundTrip() throws {
        let error = PublicError(
            .insufficientCredits, "Not enough credit.", field: "to", retryAfter: 7, balanceCents: 120,
            currentVersion: 3, limit: "email_per_minute", requiredAAL: "aal2")
        let wire = error.wireError
        #expect(wire.code == .resourceExhausted)
        #expect(wire.message == "Not enough credit.")
        // Through the frame codec's own coder, as an ERROR payload would travel.
        let bytes = try BinaryEncoder().encode(wire)
        let decoded = try BinaryDecoder().decode(WireError.self, from: bytes)
        #expect(PublicError(decoded) == error)
        #expect(PublicError.from(decoded) == error)
        #expect(PublicError.from(error) == error)
    }

    @Test("a Wire error without a typed detail, or with a detail that is not one, carries no public error")
    func absent() {
        #expect(PublicError(WireError(.notFound, "no such user")) == nil)
        #expect(PublicError(WireError(.notFound, "x", detail: [0xFF, 0x00, 0x13])) == nil)
        #expect(PublicError.from(CancellationError()) == nil)
    }

    @Test("context members are named as the contract names them, in a stable order, numbers as numbers")
    func context() {
        let error = PublicError(.rateLimited, "Slow down.", retryAfter: 30, limit: "address")
        #expect(error.context.map(\.name) == ["retry_after", "limit"])
        #expect(error.context.first?.value == .integer(30))
        #expect(PublicError.validation("email", "bad").context.map(\.name) == ["field"])
    }

    @Test("every code has the contract's status, and a Wire code a caller can act on")
    func statuses() {
        let expected: [PublicErrorCode: Int] = [
            .validationFailed: 400, .malformedJSON: 400, .invalidAdminToken: 401, .invalidToken: 401,
            .insufficientCredits: 402, .trialEnded: 402, .forbidden: 403, .planLimitReached: 403, .notFound: 404,
            .methodNotAllowed: 405, .conflict: 409, .versionMismatch: 412, .payloadTooLarge: 413,
            .unsupportedMediaType: 415, .idempotencyKeyReused: 422, .rateLimited: 429, .headersTooLarge: 431,
            .internal: 500, .serviceUnavailable: 503, .upstreamTimeout: 504,
        ]
        for (code, status) in expected { #expect(code.httpStatus == status, "\(code)") }
        for code in PublicErrorCode.allCases {
            #expect(code.wireCode != .ok, "\(code)")
            #expect(code.rawValue.allSatisfy { $0.isUppercase || $0 == "_" }, "\(code)")
        }
    }

    @Test("its description names the code only, never the message or context")
    func description() {
        let error = PublicError(.validationFailed, "secret-looking text", field: "password")
        #expect(error.description == "PublicError(VALIDATION_FAILED)")
        #expect(error.wireError.description == "WireError(INVALID_ARGUMENT)")
    }
}
