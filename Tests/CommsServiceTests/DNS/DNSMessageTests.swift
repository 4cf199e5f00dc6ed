import Testing
@testable import CommsService

@Suite("DNS messages (byte by byte)")
struct DNSMessageTests {
    /// `a.bc` TXT, id 0x1234: header, QNAME, QTYPE 16, QCLASS 1.
    static let query: [UInt8] = [
        0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x01, 0x61, 0x02, 0x62, 0x63, 0x00, 0x00, 0x10, 0x00, 0x01,
    ]

    /// The answer: a TXT of two strings ("xyz", "ab") and a CNAME `q.bc` whose name ends in a pointer.
    static let answer: [UInt8] = [
        0x12, 0x34, 0x81, 0x80, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00,
        0x01, 0x61, 0x02, 0x62, 0x63, 0x00, 0x00, 0x10, 0x00, 0x01,
        0xC0, 0x0C, 0x00, 0x10, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3C, 0x00, 0x07,
        0x03, 0x78, 0x79, 0x7A, 0x02, 0x61, 0x62,
        0xC0, 0x0C, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3C, 0x00, 0x04,
        0x01, 0x71, 0xC0, 0x0E,
    ]

    @Test("a query encodes to its exact bytes (the name lower-cased, a trailing dot dropped)")
    func encodesQuery() throws {
        #expect(try DNSQuery(id: 0x1234, name: "A.bc.", type: .txt).encoded == Self.query)
        #expect(try DNSQuery(id: 0x1234, name: "a.bc", type: .cname).encoded.suffix(4) == [0x00, 0x05, 0x00, 0x01])
    }

    @Test("names that cannot be asked are refused", arguments: ["", ".", "a..b", String(repeating: "a", count: 64) + ".b", "a b.c"])
    func refusesNames(_ name: String) {
        #expect(throws: DNSError.invalidName) { try DNSQuery(id: 1, name: name, type: .txt) }
    }

    @Test("an answer decodes: header bits, question, TXT strings and a compressed CNAME target")
    func decodesAnswer() throws {
        let response = try DNSResponse(decoding: Self.answer)
        #expect(response.id == 0x1234 && response.isResponse && !response.isTruncated && response.rcode == 0)
        #expect(response.records == [
            .txt(name: "a.bc", strings: [Array("xyz".utf8), Array("ab".utf8)]), .cname(name: "a.bc", target: "q.bc"),
        ])
        #expect(response.answers(try DNSQuery(id: 0x1234, name: "a.bc", type: .txt)))
        #expect(!response.answers(try DNSQuery(id: 0x1235, name: "a.bc", type: .txt)))
        #expect(!response.answers(try DNSQuery(id: 0x1234, name: "a.bd", type: .txt)))
        #expect(!response.answers(try DNSQuery(id: 0x1234, name: "a.bc", type: .cname)))
    }

    @Test("every cut of the answer is malformed, never a crash")
    func truncatedBytes() {
        for length in 0..<Self.answer.count {
            #expect(throws: DNSError.malformed) { try DNSResponse(decoding: Array(Self.answer.prefix(length))) }
        }
    }

    @Test("a pointer to itself or forwards is malformed; an answer with TC set is not read past its question")
    func pointersAndTruncation() throws {
        var loop = Self.answer
        loop[22] = 0xC0; loop[23] = 0x16   // the first answer's name points at itself
        #expect(throws: DNSError.malformed) { try DNSResponse(decoding: loop) }
        var truncated = Array(Self.answer.prefix(30))
        truncated[2] = 0x83   // QR, TC, RD
        let response = try DNSResponse(decoding: truncated)
        #expect(response.isTruncated && response.records.isEmpty)
        var noQuestion = Array(Self.answer.prefix(12))
        noQuestion[2] = 0x83; noQuestion[5] = 0; noQuestion[7] = 0
        #expect(try DNSResponse(decoding: noQuestion).answers(try DNSQuery(id: 0x1234, name: "a.bc", type: .txt)))
    }

    @Test("resolver addresses: IPv4 and IPv6 with or without a port; resolv.conf's first usable nameserver")
    func serverAddresses() {
        #expect(DNSServerAddress(parsing: "10.0.0.2")?.description == "10.0.0.2:53")
        #expect(DNSServerAddress(parsing: "127.0.0.1:5353")?.port == 5353)
        #expect(DNSServerAddress(parsing: "[::1]:54")?.description == "[::1]:54")
        #expect(DNSServerAddress(parsing: "2001:db8::1")?.isIPv6 == true)
        for bad in ["", "dns.google", "1.2.3.4:0", "1.2.3.4:99999", "[::1", "300.1.1.1"] {
            #expect(DNSServerAddress(parsing: bad) == nil)
        }
        let conf = "# comment\nsearch lan\nnameserver fe80::1%eth0\nnameserver 192.168.1.1\nnameserver 8.8.8.8\n"
        #expect(DNSServerAddress.firstNameserver(inResolvConf: conf)?.description == "192.168.1.1:53")
        #expect(DNSServerAddress.firstNameserver(inResolvConf: "") == nil)
    }
}
