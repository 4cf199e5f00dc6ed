/// Turns a message into the bytes sent after `DATA` (RFC 5321 §4.5.2): every line end (CRLF, bare LF, bare
/// CR) becomes CRLF, a line starting with `.` gets one more `.`, and the end is marked with `CRLF.CRLF`
/// (a CRLF is added first if the message does not end with a line break).
///
/// ```swift
/// var wire: [UInt8] = []
/// SMTPDataEncoder.encode(Array("Hi\n.\n".utf8), into: &wire)   // "Hi\r\n..\r\n.\r\n"
/// ```
enum SMTPDataEncoder {
    /// Appends the encoded message and the end marker to `output`.
    static func encode(_ message: [UInt8], into output: inout [UInt8]) {
        output.reserveCapacity(output.count + message.count + message.count / 32 + 5)
        let cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n"), dot = UInt8(ascii: ".")
        var atLineStart = true
        var index = 0
        while index < message.count {
            let byte = message[index]
            index += 1
            switch byte {
            case cr:
                if index < message.count && message[index] == lf { index += 1 }
                output.append(cr)
                output.append(lf)
                atLineStart = true
            case lf:
                output.append(cr)
                output.append(lf)
                atLineStart = true
            default:
                if atLineStart && byte == dot { output.append(dot) }
                output.append(byte)
                atLineStart = false
            }
        }
        if !atLineStart {
            output.append(cr)
            output.append(lf)
        }
        output.append(contentsOf: [dot, cr, lf])
    }

    /// The encoded message and end marker.
    static func encode(_ message: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        encode(message, into: &output)
        return output
    }

    /// Whether the message has bytes above 127 (then `BODY=8BITMIME` is declared where the relay allows it).
    static func hasEightBitData(_ message: [UInt8]) -> Bool {
        message.contains { $0 >= 0x80 }
    }
}
