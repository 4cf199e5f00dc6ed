import Testing

@testable import Wire

@Suite("HTTP parser: hostile and malformed input")
struct HTTPParserHostileInputTests {
    /// One refused input: fed whole and byte by byte, it must fail with `kind` and hand out no request.
    struct Refusal: CustomTestStringConvertible, Sendable {
        let name: String
        let bytes: [UInt8]
        let kind: HTTPParserError.Kind
        var testDescription: String { name }

        init(_ name: String, _ text: String, _ kind: HTTPParserError.Kind) {
            self.name = name
            self.bytes = Array(text.utf8)
            self.kind = kind
        }

        init(_ name: String, bytes: [UInt8], _ kind: HTTPParserError.Kind) {
            self.name = name
            self.bytes = bytes
            self.kind = kind
        }
    }

    static let head = "POST / HTTP/1.1\r\nHost: a\r\n"
    static let chunkedHead = head + "Transfer-Encoding: chunked\r\n\r\n"

    static let smuggling: [Refusal] = [
        Refusal("CL then TE", head + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", .conflictingFraming),
        Refusal("TE then CL", head + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", .conflictingFraming),
        Refusal("TE gzip, chunked, plus CL", head + "Transfer-Encoding: gzip, chunked\r\nContent-Length: 3\r\n\r\n", .conflictingFraming),
        Refusal("two different CLs", head + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", .duplicateContentLength),
        Refusal("two identical CLs", head + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello", .duplicateContentLength),
        Refusal("CL list", head + "Content-Length: 5, 5\r\n\r\nhello", .invalidContentLength),
        Refusal("CL signed", head + "Content-Length: +5\r\n\r\nhello", .invalidContentLength),
        Refusal("CL negative", head + "Content-Length: -1\r\n\r\n", .invalidContentLength),
        Refusal("CL empty", head + "Content-Length: \r\n\r\n", .invalidContentLength),
        Refusal("CL hex", head + "Content-Length: 0x5\r\n\r\nhello", .invalidContentLength),
        Refusal("CL overflow", head + "Content-Length: 99999999999999999999999\r\n\r\n", .invalidContentLength),
        Refusal("CL inner space", head + "Content-Length: 1 2\r\n\r\n", .invalidContentLength),
        Refusal("TE gzip", head + "Transfer-Encoding: gzip\r\n\r\n", .invalidTransferEncoding),
        Refusal("TE identity", head + "Transfer-Encoding: identity\r\n\r\n", .invalidTransferEncoding),
        Refusal("TE chunked, gzip", head + "Transfer-Encoding: chunked, gzip\r\n\r\n", .invalidTransferEncoding),
        Refusal("TE chunked twice in a list", head + "Transfer-Encoding: chunked, chunked\r\n\r\n", .invalidTransferEncoding),
        Refusal("TE two fields", head + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", .invalidTransferEncoding),
        Refusal("TE xchunked", head + "Transfer-Encoding: xchunked\r\n\r\n", .invalidTransferEncoding),
        Refusal("TE chunked with parameter", head + "Transfer-Encoding: chunked;q=1\r\n\r\n", .invalidTransferEncoding),
        Refusal("TE empty", head + "Transfer-Encoding: \r\n\r\n", .invalidTransferEncoding),
        Refusal("TE in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", .invalidTransferEncoding),
        Refusal("TE gzip, chunked (unknown coding)", head + "Transfer-Encoding: gzip, chunked\r\n\r\n", .unsupportedTransferCoding),
        Refusal("obs-fold", head + "X-Long: a\r\n b\r\n\r\n", .obsoleteLineFolding),
        Refusal("obs-fold with tab", head + "X-Long: a\r\n\tb\r\n\r\n", .obsoleteLineFolding),
        Refusal("folded TE", head + "X: 1\r\n Transfer-Encoding: chunked\r\n\r\n", .obsoleteLineFolding),
        Refusal("space before colon", head + "Content-Length : 5\r\n\r\nhello", .whitespaceBeforeColon),
        Refusal("tab before colon", head + "Transfer-Encoding\t: chunked\r\n\r\n", .whitespaceBeforeColon),
        Refusal("bare LF head", "GET / HTTP/1.1\nHost: a\n\n", .invalidLineEnding),
        Refusal("bare LF ending the head", "GET / HTTP/1.1\r\nHost: a\r\n\n", .invalidLineEnding),
        Refusal("bare CR in head", "GET / HTTP/1.1\rHost: a\r\n\r\n", .invalidLineEnding),
        Refusal("bare CR in a value", "GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", .invalidLineEnding),
        Refusal("leading bare LF", "\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", .invalidLineEnding),
        Refusal("NUL in value", head + "X: a\u{0}b\r\n\r\n", .invalidHeader),
        Refusal("control byte in value", head + "X: a\u{1}b\r\n\r\n", .invalidHeader),
        Refusal("DEL in value", head + "X: a\u{7F}\r\n\r\n", .invalidHeader),
        Refusal("NUL in name", head + "X\u{0}Y: a\r\n\r\n", .invalidHeader),
        Refusal("empty name", head + ": a\r\n\r\n", .invalidHeader),
        Refusal("no colon", head + "NoColon\r\n\r\n", .invalidHeader),
        Refusal("non-UTF-8 value", bytes: Array((head + "X: ").utf8) + [0xFF, 0xFE] + Array("\r\n\r\n".utf8), .invalidHeader),
        Refusal("NUL in target", "GET /a\u{0}b HTTP/1.1\r\nHost: a\r\n\r\n", .invalidTarget),
        Refusal("non-UTF-8 target", bytes: Array("GET /caf".utf8) + [0xE9, 0xFF] + Array(" HTTP/1.1\r\nHost: a\r\n\r\n".utf8), .invalidTarget),
        Refusal("UTF-8 target", "GET /café HTTP/1.1\r\nHost: a\r\n\r\n", .invalidTarget),
        Refusal("space in target", "GET /a b HTTP/1.1\r\nHost: a\r\n\r\n", .invalidTarget),
        Refusal("double space", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", .invalidTarget),
        Refusal("HTTP/2.0", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", .unsupportedVersion),
        Refusal("HTTP/0.9 shape", "GET / HTTP/0.9\r\n\r\n", .unsupportedVersion),
        Refusal("lowercase version", "GET / http/1.1\r\nHost: a\r\n\r\n", .invalidRequestLine),
        Refusal("long version", "GET / HTTP/1.10\r\nHost: a\r\n\r\n", .invalidRequestLine),
        Refusal("no version", "GET /\r\nHost: a\r\n\r\n", .invalidRequestLine),
        Refusal("bad method", "G(T / HTTP/1.1\r\nHost: a\r\n\r\n", .invalidRequestLine),
        Refusal("binary junk", bytes: [0x16, 0x03, 0x01, 0x00, 0xA5, 0x01, 0x00, 0x00, 13, 10, 13, 10], .invalidRequestLine),
        Refusal("no Host", "GET / HTTP/1.1\r\n\r\n", .invalidHost),
        Refusal("two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", .invalidHost),
    ]

    static let badChunks: [Refusal] = [
        Refusal("non-hex size", chunkedHead + "zz\r\n", .invalidChunkSize),
        Refusal("negative size", chunkedHead + "-1\r\n", .invalidChunkSize),
        Refusal("empty size", chunkedHead + "\r\nhello\r\n0\r\n\r\n", .invalidChunkSize),
        Refusal("0x prefix", chunkedHead + "0x5\r\nhello\r\n0\r\n\r\n", .invalidChunkSize),
        Refusal("16 hex digits", chunkedHead + "0000000000000005\r\nhello\r\n0\r\n\r\n", .invalidChunkSize),
        Refusal("overflowing size", chunkedHead + "FFFFFFFFFFFFFFFFFF\r\n", .invalidChunkSize),
        Refusal("leading space", chunkedHead + " 5\r\nhello\r\n0\r\n\r\n", .invalidChunkSize),
        Refusal("trailing space, no extension", chunkedHead + "5 \r\nhello\r\n0\r\n\r\n", .invalidChunkSize),
        Refusal("junk after size", chunkedHead + "5x\r\nhello\r\n0\r\n\r\n", .invalidChunkSize),
        Refusal("bare LF after size", chunkedHead + "5\nhello\r\n0\r\n\r\n", .invalidChunkSize),
        Refusal("bare CR after size", chunkedHead + "5\rhello\r\n0\r\n\r\n", .invalidChunkSize),
        Refusal("control byte in extension", chunkedHead + "5;a\u{1}\r\nhello\r\n0\r\n\r\n", .invalidChunkSize),
        Refusal("endless extension", chunkedHead + "5;" + String(repeating: "x", count: 5000), .invalidChunkSize),
        Refusal("data longer than size", chunkedHead + "5\r\nhelloXX\r\n0\r\n\r\n", .invalidChunk),
        Refusal("data with bare LF", chunkedHead + "5\r\nhello\n0\r\n\r\n", .invalidChunk),
        Refusal("obs-fold in trailer", chunkedHead + "0\r\nX: a\r\n b\r\n\r\n", .obsoleteLineFolding),
        Refusal("bare LF ending trailers", chunkedHead + "0\r\n\n", .invalidLineEnding),
        Refusal("bad trailer", chunkedHead + "0\r\nnot a field\r\n\r\n", .invalidHeader),
    ]

    @Test(arguments: smuggling + badChunks)
    func refused(_ refusal: Refusal) {
        for feed in HTTPTestFeed.allCases {
            let parse = httpTestParse(refusal.bytes, feed: feed)
            #expect(parse.error?.kind == refusal.kind, "\(feed)")
            #expect(parse.requests.isEmpty, "\(feed)")
        }
    }

    @Test func statusesOfTheKinds() {
        #expect(HTTPParserError(.conflictingFraming).status == 400)
        #expect(HTTPParserError(.headTooLarge).status == 431)
        #expect(HTTPParserError(.tooManyHeaders).status == 431)
        #expect(HTTPParserError(.bodyTooLarge).status == 413)
        #expect(HTTPParserError(.unsupportedTransferCoding).status == 501)
        #expect(HTTPParserError(.unsupportedVersion).status == 505)
        #expect(HTTPParserError(.incompleteRequest).status == 400)
        for kind in HTTPParserError.Kind.allCases {
            let error = HTTPParserError(kind)
            #expect(!error.description.isEmpty)
            #expect([400, 413, 431, 501, 505].contains(error.status))
        }
    }

    @Test func oversizedHeadIs431() {
        let big = "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + String(repeating: "a", count: 17_000) + "\r\n\r\n"
        let parse = httpTestParseBothWays(httpBytes(big))
        #expect(parse.error?.kind == .headTooLarge)
        #expect(parse.error?.status == 431)
        // Never terminated: refused once the limit is reached, without waiting for more.
        var parser = HTTPParser(limits: HTTPParser.Limits(maxHeadSize: 1024))
        parser.append(contentsOf: httpBytes("GET /" + String(repeating: "a", count: 2000)))
        #expect(throws: HTTPParserError(.headTooLarge)) { try parser.next() }
        // Endless empty lines count too.
        let blank = httpTestParseBothWays(httpBytes(String(repeating: "\r\n", count: 600)),
                                          limits: HTTPParser.Limits(maxHeadSize: 1024), finish: false)
        #expect(blank.error?.kind == .headTooLarge)
        // The limit is inclusive.
        let exact = "GET / HTTP/1.1\r\nHost: a\r\nX-Padding: " + String(repeating: "p", count: 80) + "\r\n\r\n"
        let fits = httpTestParseBothWays(httpBytes(exact), limits: HTTPParser.Limits(maxHeadSize: exact.utf8.count))
        #expect(fits.error == nil)
        let tooBig = httpTestParseBothWays(httpBytes(exact), limits: HTTPParser.Limits(maxHeadSize: exact.utf8.count - 1))
        #expect(tooBig.error?.kind == .headTooLarge)
    }

    @Test func tooManyHeadersIs431() {
        let fields = (0..<101).map { "X-\($0): v\r\n" }.joined()
        let parse = httpTestParseBothWays(httpBytes("GET / HTTP/1.1\r\nHost: a\r\n" + fields + "\r\n"))
        #expect(parse.error?.kind == .tooManyHeaders)
    }

    @Test func oversizedTrailersAre431() {
        let trailer = "X: " + String(repeating: "t", count: 2000) + "\r\n"
        let parse = httpTestParseBothWays(
            httpBytes(Self.chunkedHead + "0\r\n" + trailer + "\r\n"), limits: HTTPParser.Limits(maxHeadSize: 1024))
        #expect(parse.error?.kind == .headTooLarge)
    }

    @Test func bodyOverTheLimitIs413() {
        let limits = HTTPParser.Limits(maxBodySize: 1 << 20)
        // Announced: refused from the head alone, before any body byte.
        let announced = httpTestParseBothWays(httpBytes(Self.head + "Content-Length: 1048577\r\n\r\n"),
                                              limits: limits, finish: false)
        #expect(announced.error?.kind == .bodyTooLarge)
        #expect(announced.error?.status == 413)
        // Chunked: refused at the chunk that crosses the limit.
        var parser = HTTPParser(limits: HTTPParser.Limits(maxBodySize: 10))
        parser.append(contentsOf: httpBytes(Self.chunkedHead + "8\r\n12345678\r\n3\r\n"))
        #expect(throws: HTTPParserError(.bodyTooLarge)) { while try parser.next() != nil {} }
        let huge = httpTestParseBothWays(httpBytes(Self.chunkedHead + "FFFFFFFFFFFFFFF\r\n"), finish: false)
        #expect(huge.error?.kind == .bodyTooLarge)
    }

    @Test func bodyShorterThanAnnouncedIsAnErrorNotARequest() {
        let fixed = httpTestParseBothWays(httpBytes(Self.head + "Content-Length: 10\r\n\r\nshort"))
        #expect(fixed.error?.kind == .incompleteRequest)
        #expect(fixed.requests.isEmpty)
        let chunked = httpTestParseBothWays(httpBytes(Self.chunkedHead + "5\r\nhello\r\n"))
        #expect(chunked.error?.kind == .incompleteRequest)
        #expect(chunked.requests.isEmpty)
        let noTrailerEnd = httpTestParseBothWays(httpBytes(Self.chunkedHead + "0\r\n"))
        #expect(noTrailerEnd.error?.kind == .incompleteRequest)
        let head = httpTestParseBothWays(httpBytes("GET / HTTP/1.1\r\nHost: a\r\n"))
        #expect(head.error?.kind == .incompleteRequest)
        // Nothing pending: a clean end.
        let clean = httpTestParseBothWays(httpBytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"))
        #expect(clean.error == nil)
        #expect(clean.requests.count == 1)
    }

    @Test func errorsAreStickyAndLaterInputIsIgnored() {
        var parser = HTTPParser()
        parser.append(contentsOf: httpBytes("GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\nHost: a\n\n"))
        #expect(throws: Never.self) { _ = try parser.next() }
        #expect(throws: HTTPParserError(.invalidLineEnding)) { try parser.next() }
        parser.append(contentsOf: httpBytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"))
        #expect(throws: HTTPParserError(.invalidLineEnding)) { try parser.next() }
        #expect(parser.error == HTTPParserError(.invalidLineEnding))
        #expect(!parser.hasPartialRequest)
    }

    @Test func validRequestBeforeGarbageIsStillDelivered() {
        let parse = httpTestParseBothWays(httpBytes("GET /ok HTTP/1.1\r\nHost: a\r\n\r\n\u{1}\u{2}\u{3}\r\n\r\n"))
        #expect(parse.requests.map(\.target) == ["/ok"])
        #expect(parse.error?.kind == .invalidRequestLine)
    }

    @Test func randomSplitsAgreeWithWholeInput() {
        var generator = SystemRandomNumberGenerator()
        let inputs = (Self.smuggling + Self.badChunks).map(\.bytes) + [
            httpBytes("POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;x\r\nabc\r\n0\r\nT: 1\r\n\r\n"
                + "GET / HTTP/1.0\r\n\r\n"),
        ]
        for input in inputs {
            let whole = httpTestParse(input, feed: .whole)
            for _ in 0..<20 {
                var parser = HTTPParser()
                var outcome = HTTPTestParse()
                var index = 0
                feeding: while index < input.count {
                    let length = Int.random(in: 1...max(1, input.count - index), using: &generator)
                    parser.append(contentsOf: input[index..<index + length])
                    index += length
                    do {
                        while let event = try parser.next() { outcome.events.append(event) }
                    } catch {
                        outcome.error = error
                        break feeding
                    }
                }
                if outcome.error == nil {
                    do { try parser.finish() } catch { outcome.error = error }
                }
                #expect(outcome == whole)
            }
        }
    }
}
