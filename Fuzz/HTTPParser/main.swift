// libFuzzer target for `HTTPParser`, built by `scripts/fuzz.sh HTTPParser` together with
// Sources/Wire/HTTP/Parsing (plain Swift) as one module (so no `import Wire`).
//
// Oracles: no crash or sanitizer report; the parser fed the input whole and fed it in pseudo-random pieces
// (split points derived from the input, so a crash reproduces) hands out the same events and stops at the
// same error, with `finish()` at the end; both with the default limits and with tiny ones; and every
// request it hands out respects the limits.

/// A small deterministic generator (SplitMix64) seeded from the input.
private struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

private struct Outcome: Equatable {
    var events: [HTTPParser.Event] = []
    var error: HTTPParserError?
}

private func parse(_ input: [UInt8], limits: HTTPParser.Limits, pieces: [Int]) -> Outcome {
    var parser = HTTPParser(limits: limits)
    var outcome = Outcome()
    var index = 0
    for length in pieces {
        parser.append(contentsOf: input[index..<index + length])
        index += length
        do {
            while let event = try parser.next() { outcome.events.append(event) }
        } catch {
            outcome.error = error
            return outcome
        }
    }
    do { try parser.finish() } catch { outcome.error = error }
    return outcome
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    var random = SplitMix(state: input.reduce(UInt64(size)) { $0 &* 31 &+ UInt64($1) })
    var pieces: [Int] = []
    var remaining = size
    while remaining > 0 {
        let length = min(remaining, 1 + Int(random.next() % 7 == 0 ? random.next() % 64 : random.next() % 4))
        pieces.append(length)
        remaining -= length
    }
    let whole = size == 0 ? [] : [size]
    for limits in [
        HTTPParser.Limits(), HTTPParser.Limits(maxHeadSize: 96, maxBodySize: 40, maxHeaderCount: 3),
    ] {
        let oneShot = parse(input, limits: limits, pieces: whole)
        let split = parse(input, limits: limits, pieces: pieces)
        if oneShot != split { fatalError("split input changed the parse") }
        for case .request(let request) in oneShot.events {
            if request.body.count > limits.maxBodySize { fatalError("body over the limit") }
            if request.headers.count > limits.maxHeaderCount { fatalError("too many headers") }
            if !request.target.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) { fatalError("bad target byte") }
            _ = request.decodedPath
        }
    }
    return 0
}
