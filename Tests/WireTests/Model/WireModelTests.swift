import Foundation
import Testing
@testable import Wire

@Suite("Wire error and call context")
struct WireModelTests {
    @Test func codeNumbersNeverChange() {
        let expected: [(WireError.Code, UInt8)] = [
            (.ok, 0), (.cancelled, 1), (.unknown, 2), (.invalidArgument, 3), (.deadlineExceeded, 4), (.notFound, 5),
            (.alreadyExists, 6), (.permissionDenied, 7), (.resourceExhausted, 8), (.failedPrecondition, 9), (.aborted, 10),
            (.outOfRange, 11), (.unimplemented, 12), (.internal, 13), (.unavailable, 14), (.dataLoss, 15), (.unauthenticated, 16),
        ]
        #expect(expected.count == WireError.Code.allCases.count)
        for (code, number) in expected { #expect(code.rawValue == number) }
    }

    @Test func errorRoundTripsThroughTheCoder() throws {
        for error in [WireError(.notFound, "no such user"), WireError(.invalidArgument, "bad", details: ["field": "email", "rule": "format"]),
                      WireError(.ok)] {
            #expect(try binaryRoundTrip(error) == error)
        }
    }

    @Test func unknownCodeNumberDecodesAsUnknown() throws {
        struct Future: Codable { var code: UInt8; var message: String }
        let bytes = try BinaryEncoder().encode(Future(code: 200, message: "from the future"))
        let decoded = try BinaryDecoder().decode(WireError.self, from: bytes)
        #expect(decoded.code == .unknown && decoded.message == "from the future")
    }

    @Test func descriptionIsGeneric() {
        let error = WireError(.permissionDenied, "token abc123 is not allowed", details: ["token": "abc123"])
        #expect(error.description == "WireError(PERMISSION_DENIED)")
        #expect(!String(describing: error).contains("abc123"))
    }

    @Test func contextCrossesTheWireWithoutTheCallerService() throws {
        let now = ContinuousClock.now
        let context = CallContext(requestID: "req", projectID: "p", subject: "s", sessionID: "sess",
                                  keyKind: "publishable", callerService: "router", deadline: now + .milliseconds(250))
        var encoder = FrameEncoder()
        try encoder.appendRequest(callID: 1, method: "m", context: context, body: [UInt8](), now: now)
        var decoder = FrameDecoder()
        decoder.append(encoder.bytes)
        guard case .request(_, let request) = try decoder.next(now: now) else { Issue.record("no request"); return }
        var expected = context
        expected.callerService = nil
        #expect(request.context == expected)
    }

    @Test func contextToleratesUnknownFieldsFromNewerPeers() throws {
        struct NewerContext: Codable { var requestId: String; var projectId: String?; var traceParent: String; var tags: [String] }
        let bytes = try BinaryEncoder().encode(NewerContext(requestId: "r", projectId: "p", traceParent: "00-abc", tags: ["x"]))
        let decoded = try BinaryDecoder().decode(CallContextWireForm.self, from: bytes)
        #expect(decoded.context(deadline: nil) == CallContext(requestID: "r", projectID: "p"))
    }

    @Test func remainingTimeNeverNegative() {
        let now = ContinuousClock.now
        #expect(CallContext(requestID: "r", deadline: now - .seconds(1)).remainingTime(at: now) == .zero)
        #expect(CallContext(requestID: "r", deadline: now + .seconds(1)).remainingTime(at: now) == .seconds(1))
        #expect(CallContext(requestID: "r").remainingTime(at: now) == nil)
        #expect(Frame.Request.remainingMicros(until: now + .microseconds(1500), now: now) == 1500)
        #expect(Frame.Request.remainingMicros(until: now + .nanoseconds(999), now: now) == 0)
    }
}
