/// DKIM's "relaxed" canonicalization (RFC 6376 §3.4.2 and §3.4.4), as pure functions over bytes.
///
/// ```swift
/// DKIMCanonicalization.relaxedHeader(name: "SubJect", value: " AbC\r\n\tdef ")   // "subject:AbC def\r\n"
/// DKIMCanonicalization.relaxedBody(Array(" C \r\nD \t E\r\n\r\n\r\n".utf8))      // " C\r\nD E\r\n"
/// ```
enum DKIMCanonicalization {
    private static let space = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")
    private static let cr = UInt8(13)
    private static let lf = UInt8(10)

    /// One header field: the name lower-cased, the value unfolded (CRLFs removed), runs of spaces and tabs
    /// made one space, white space at the value's ends removed; `name:value` and CRLF.
    static func relaxedHeader(name: String, value: some Collection<UInt8>) -> [UInt8] {
        var output = Array(name.lowercased().utf8.filter { $0 != space && $0 != tab })
        output.append(UInt8(ascii: ":"))
        var pendingSpace = false
        var started = false
        for byte in value where byte != cr && byte != lf {
            if byte == space || byte == tab {
                pendingSpace = started
                continue
            }
            if pendingSpace { output.append(space) }
            pendingSpace = false
            started = true
            output.append(byte)
        }
        return output + [cr, lf]
    }

    /// The body: per line, runs of spaces and tabs made one space and trailing ones removed; empty lines at
    /// the end removed; a non-empty result ends with CRLF, an empty body stays empty. Lines end at CRLF (a
    /// final line without one is treated as if it had it).
    static func relaxedBody(_ body: some Collection<UInt8>) -> [UInt8] {
        var lines: [[UInt8]] = []
        var line: [UInt8] = []
        var previous: UInt8 = 0
        for byte in body {
            if byte == lf, previous == cr {
                line.removeLast()
                lines.append(line)
                line = []
            } else {
                line.append(byte)
            }
            previous = byte
        }
        if !line.isEmpty { lines.append(line) }
        var output: [UInt8] = []
        var emptyRun = 0
        for line in lines {
            let canonical = relaxedLine(line)
            if canonical.isEmpty {
                emptyRun += 1
                continue
            }
            for _ in 0..<emptyRun { output += [cr, lf] }
            emptyRun = 0
            output += canonical + [cr, lf]
        }
        return output
    }

    /// One body line without its CRLF: white space runs made one space, trailing white space removed.
    private static func relaxedLine(_ line: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var inSpace = false
        for byte in line {
            if byte == space || byte == tab {
                inSpace = true
                continue
            }
            if inSpace { output.append(space) }
            inSpace = false
            output.append(byte)
        }
        return output
    }
}
