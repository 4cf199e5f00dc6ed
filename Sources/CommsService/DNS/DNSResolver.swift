import Dispatch
import ServiceKit

/// Asks one resolver (`COMMS_DNS_RESOLVER`) for TXT and CNAME records: UDP first, again over TCP when the
/// answer is truncated; the answer must echo the query's random id and question. No libresolv, no cache.
///
/// ```swift
/// let resolver = DNSResolver(server: DNSServerAddress(parsing: "127.0.0.1:53")!, timeout: .seconds(3))
/// let texts = try await resolver.txt("example.com")   // ["v=spf1 include:spf.purrpurr.dev ~all", …]
/// ```
struct DNSResolver: Sendable {
    /// The resolver asked.
    let server: DNSServerAddress
    /// How long one lookup may take, UDP and TCP together.
    let timeout: Duration

    /// The values of the TXT records at `name` (each record's strings joined), `[]` when there are none or
    /// the name does not exist.
    func txt(_ name: String) async throws(DNSError) -> [String] {
        try await lookup(name, type: .txt).compactMap { record in
            guard case .txt(_, let strings) = record else { return nil }
            return String(decoding: strings.joined(), as: UTF8.self)
        }
    }

    /// The targets of the CNAME records at `name`, `[]` when there is none.
    func cname(_ name: String) async throws(DNSError) -> [String] {
        try await lookup(name, type: .cname).compactMap { record in
            guard case .cname(let owner, let target) = record, owner == name.lowercased() else { return nil }
            return target
        }
    }

    /// The answer section's records for `name` and `type` (NXDOMAIN: none).
    func lookup(_ name: String, type: DNSQuery.RecordType) async throws(DNSError) -> [DNSResponse.Record] {
        let query = try DNSQuery(id: UInt16.random(in: 0...UInt16.max), name: name, type: type)
        let server = self.server
        let deadline = ContinuousClock.now + timeout
        let result: Result<DNSResponse, DNSError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Result { () throws(DNSError) -> DNSResponse in
                    try Self.exchange(query, server: server, deadline: deadline)
                })
            }
        }
        let response = try result.get()
        switch response.rcode {
        case 0: return response.records
        case 3: return []
        default: throw DNSError.serverFailure(rcode: response.rcode)
        }
    }

    /// UDP, then TCP when the UDP answer has TC set.
    static func exchange(
        _ query: DNSQuery, server: DNSServerAddress, deadline: ContinuousClock.Instant
    ) throws(DNSError) -> DNSResponse {
        let bytes = query.encoded
        let datagram = try DNSSocket.udp(bytes, to: server, deadline: deadline) { datagram in
            (try? DNSResponse(decoding: datagram))?.answers(query) ?? false
        }
        let response = try DNSResponse(decoding: datagram)
        guard response.isTruncated else { return response }
        let full = try DNSResponse(decoding: DNSSocket.tcp(bytes, to: server, deadline: deadline))
        guard full.answers(query) else { throw DNSError.mismatched }
        return full
    }
}
