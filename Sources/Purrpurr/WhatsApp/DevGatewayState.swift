import Foundation
import Synchronization

/// What the development WhatsApp gateway remembers: its instances, the calls it was sent (with their times, so
/// tests check SmartSend's pacing from the gateway's side) and answers a test asked it to give next.
final class DevGatewayState: Sendable {
    /// One instance as the gateway knows it.
    struct Instance: Sendable {
        var id: String
        var webhookURL: String?
        var state: String
    }

    /// One call, as recorded.
    struct Call: Sendable {
        var method: String
        var path: String
        var instance: String?
        var number: String?
        var presence: String?
        /// Seconds since 1970, with microseconds.
        var at: Double

        var json: [String: Any] {
            var object: [String: Any] = ["method": method, "path": path, "at": at]
            if let instance { object["instance"] = instance }
            if let number { object["number"] = number }
            if let presence { object["presence"] = presence }
            return object
        }
    }

    /// An answer forced by a test: the next `count` calls whose path starts with `pathPrefix` get `status`.
    struct Forced: Sendable {
        var pathPrefix: String
        var status: Int
        var count: Int
    }

    /// A text an instance sent (what `findMessages` lists).
    struct SentText: Sendable {
        var id: String
        var instance: String
        var number: String
        var text: String
        /// Seconds since 1970 (Evolution's `messageTimestamp`).
        var timestamp: Int
    }

    private struct Contents {
        var instances: [String: Instance] = [:]
        var sent: [SentText] = []
        var calls: [Call] = []
        var forced: [Forced] = []
        var sentCount = 0
    }

    private let contents = Mutex(Contents())

    /// Records `call`.
    func record(_ call: Call) {
        contents.withLock { $0.calls.append(call) }
    }

    /// Every call so far, oldest first.
    var calls: [Call] { contents.withLock { $0.calls } }

    /// The forced status for a call to `path`, consuming one use of it.
    func forcedStatus(for path: String) -> Int? {
        contents.withLock { contents in
            guard let index = contents.forced.firstIndex(where: { path.hasPrefix($0.pathPrefix) && $0.count > 0 }) else {
                return nil
            }
            contents.forced[index].count -= 1
            let status = contents.forced[index].status
            if contents.forced[index].count == 0 { contents.forced.remove(at: index) }
            return status
        }
    }

    /// Queues a forced answer.
    func force(_ forced: Forced) {
        contents.withLock { $0.forced.append(forced) }
    }

    /// Adds an instance; false when the name is taken.
    func add(name: String, _ instance: Instance) -> Bool {
        contents.withLock { contents in
            guard contents.instances[name] == nil else { return false }
            contents.instances[name] = instance
            return true
        }
    }

    /// Instance `name`, if any.
    func instance(_ name: String) -> Instance? { contents.withLock { $0.instances[name] } }

    /// Sets instance `name`'s state; false if unknown.
    @discardableResult
    func setState(_ name: String, _ state: String) -> Bool {
        contents.withLock { contents in
            guard contents.instances[name] != nil else { return false }
            contents.instances[name]?.state = state
            return true
        }
    }

    /// Removes instance `name`; false if unknown.
    func remove(_ name: String) -> Bool { contents.withLock { $0.instances.removeValue(forKey: name) != nil } }

    /// Remembers a text `instance` sent.
    func recordSent(_ text: SentText) {
        contents.withLock { $0.sent.append(text) }
    }

    /// The texts `instance` sent to `number`, newest first.
    func sentTexts(instance: String, number: String) -> [SentText] {
        contents.withLock { $0.sent.filter { $0.instance == instance && $0.number == number }.reversed() }
    }

    /// A new message number (for ids and file names).
    func nextMessageNumber() -> Int {
        contents.withLock { contents in
            contents.sentCount += 1
            return contents.sentCount
        }
    }
}
