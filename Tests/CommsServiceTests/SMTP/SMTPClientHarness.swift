import Foundation
import Testing
import Wire
@testable import CommsService

/// Runs `body` with an ``SMTPClient`` on its own one-loop group, then shuts both down.
func withSMTPTestClient<T>(
    _ configure: (inout SMTPClientConfiguration) -> Void = { _ in },
    _ body: (SMTPClient) async throws -> T
) async throws -> T {
    var configuration = SMTPClientConfiguration()
    configuration.connectTimeout = .seconds(5)
    configuration.commandTimeout = .seconds(5)
    configuration.dataTimeout = .seconds(5)
    configure(&configuration)
    let group = try EventLoopGroup(loopCount: 1)
    let client = SMTPClient(group: group, configuration: configuration)
    do {
        let result = try await body(client)
        await client.shutdown()
        await group.shutdownGracefully()
        return result
    } catch {
        await client.shutdown()
        await group.shutdownGracefully()
        throw error
    }
}

/// A small message with the given body.
func smtpTestMessage(subject: String = "Hello", body: String = "Hi there.\r\n") -> [UInt8] {
    Array("From: sender@example.test\r\nTo: rcpt@example.test\r\nSubject: \(subject)\r\n\r\n\(body)".utf8)
}

extension SMTPOutcome {
    /// The reply of a delivered message, else nil.
    var deliveredReply: String? {
        if case .delivered(let reply, _) = self { return reply }
        return nil
    }

    /// The detail of a temporary failure, else nil.
    var temporaryDetail: String? {
        if case .temporaryFailure(let detail) = self { return detail }
        return nil
    }

    /// The detail of a permanent failure, else nil.
    var permanentDetail: String? {
        if case .permanentFailure(let detail, _) = self { return detail }
        return nil
    }

    /// The rejections of a delivered or permanently failed message.
    var rejections: [SMTPRejection] {
        switch self {
        case .delivered(_, let rejected), .permanentFailure(_, let rejected): rejected
        case .temporaryFailure: []
        }
    }
}
