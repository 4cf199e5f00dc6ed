#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Writes caught messages into a folder, one `.eml` file each, atomically: the bytes go to a hidden temporary
/// file in the same folder, are synced, and the file is renamed into place, so a reader (``CaughtMail``,
/// `purrpurr mail`) never sees half a message.
///
/// Files are named `<UTC yyyyMMdd'T'HHmmss.SSS>-<8 random base62>.eml` (names sort by arrival), are mode
/// 0600 (mail may hold magic links), and start with two envelope headers before the message as received:
///
/// ```
/// X-Purrpurr-Envelope-From: <no-reply@purrpurr.local>
/// X-Purrpurr-Envelope-To: <ana@example.com>, <bo@example.com>
/// ```
struct MailCatcherStore: Sendable {
    /// Why a message or the folder could not be written. Names the path and the `errno` only.
    enum Failure: Error, CustomStringConvertible {
        case cannotCreateDirectory(path: String, errno: Int32)
        case cannotWrite(path: String, errno: Int32)

        var description: String {
            switch self {
            case .cannotCreateDirectory(let path, let code):
                "cannot create the mail folder \(path): \(String(cString: strerror(code)))"
            case .cannotWrite(let path, let code):
                "cannot write \(path): \(String(cString: strerror(code)))"
            }
        }
    }

    /// The header naming the envelope sender.
    static let envelopeFromHeader = "X-Purrpurr-Envelope-From"
    /// The header naming the envelope recipients.
    static let envelopeToHeader = "X-Purrpurr-Envelope-To"

    /// The folder messages go to.
    let directory: String

    /// Creates the folder (and its parents) owner-only (0700) if it is missing.
    func prepareDirectory() throws(Failure) {
        var path = directory.hasPrefix("/") ? "" : "."
        for component in directory.split(separator: "/") {
            path += "/" + component
            if mkdir(path, 0o700) != 0 && errno != EEXIST {
                throw .cannotCreateDirectory(path: directory, errno: errno)
            }
        }
        var status = stat()
        guard stat(directory, &status) == 0 else { throw .cannotCreateDirectory(path: directory, errno: errno) }
        guard status.st_mode & S_IFMT == S_IFDIR else { throw .cannotCreateDirectory(path: directory, errno: ENOTDIR) }
    }

    /// Writes `envelope` as a new file and returns its name (without the folder).
    func store(_ envelope: MailCatcherEnvelope, at date: Date = Date()) throws(Failure) -> String {
        try prepareDirectory()
        let name = Self.fileName(at: date, suffix: Self.randomSuffix())
        let path = directory + "/" + name
        let temporary = directory + "/." + name + ".tmp"
        let bytes = Self.fileContents(envelope)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .cannotWrite(path: temporary, errno: errno) }
        var failure: Int32 = 0
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += written
            }
        }
        if failure == 0 && fsync(fd) != 0 { failure = errno }
        if close(fd) != 0 && failure == 0 { failure = errno }
        if failure == 0 && rename(temporary, path) != 0 { failure = errno }
        guard failure == 0 else {
            unlink(temporary)
            throw .cannotWrite(path: path, errno: failure)
        }
        return name
    }

    /// The file's bytes: the two envelope headers (the recipients folded, one per line after the first), then
    /// the message.
    static func fileContents(_ envelope: MailCatcherEnvelope) -> [UInt8] {
        var header = "\(envelopeFromHeader): <\(envelope.from)>\r\n\(envelopeToHeader):"
        for (index, recipient) in envelope.recipients.enumerated() {
            header += index == 0 ? " <\(recipient)>" : ",\r\n <\(recipient)>"
        }
        header += "\r\n"
        return Array(header.utf8) + envelope.content
    }

    /// `yyyyMMdd'T'HHmmss.SSS-<suffix>.eml` in UTC.
    static func fileName(at date: Date, suffix: String) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(milliseconds / 1000 - (milliseconds % 1000 < 0 ? 1 : 0))
        let fraction = Int((milliseconds % 1000 + 1000) % 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(width - text.count, 0)) + text
        }
        return pad(Int(parts.tm_year) + 1900, 4) + pad(Int(parts.tm_mon) + 1, 2) + pad(Int(parts.tm_mday), 2) + "T"
            + pad(Int(parts.tm_hour), 2) + pad(Int(parts.tm_min), 2) + pad(Int(parts.tm_sec), 2) + "."
            + pad(fraction, 3) + "-" + suffix + ".eml"
    }

    /// The arrival time encoded in a catcher file name, or nil for another name.
    static func date(fromFileName name: String) -> Date? {
        let utf8 = Array(name.utf8)
        guard utf8.count >= 19, utf8[8] == UInt8(ascii: "T"), utf8[15] == UInt8(ascii: ".") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            guard utf8[range].allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
            return Int(String(decoding: utf8[range], as: UTF8.self))
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8),
            let hour = number(9..<11), let minute = number(11..<13), let second = number(13..<15),
            let millisecond = number(16..<19)
        else { return nil }
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let seconds = timegm(&parts)
        return Date(timeIntervalSince1970: Double(seconds) + Double(millisecond) / 1000)
    }

    /// Eight random base62 characters.
    static func randomSuffix() -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        var generator = SystemRandomNumberGenerator()
        return String((0..<8).map { _ in alphabet[Int.random(in: 0..<62, using: &generator)] })
    }
}
