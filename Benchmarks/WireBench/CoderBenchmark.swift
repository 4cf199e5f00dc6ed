import Foundation
import Wire

/// The binary coder's encode+decode throughput against Foundation's JSONEncoder+JSONDecoder on a realistic
/// nested value (strings, dates, UUIDs, arrays, optionals, a dictionary).
enum CoderBenchmark {
    struct Address: Codable, Equatable {
        var street: String
        var city: String
        var postalCode: String
        var country: String
    }

    struct Customer: Codable, Equatable {
        var id: UUID
        var name: String
        var email: String
        var phone: String?
        var address: Address
    }

    struct LineItem: Codable, Equatable {
        var sku: String
        var title: String
        var quantity: Int
        var unitPrice: Double
        var discount: Double?
    }

    struct Order: Codable, Equatable {
        var id: UUID
        var projectId: String
        var customer: Customer
        var items: [LineItem]
        var tags: [String]
        var metadata: [String: String]
        var createdAt: Date
        var paidAt: Date?
        var notes: String?
        var total: Double
    }

    static func sample() -> Order {
        let items = (0..<10).map { index in
            LineItem(sku: "SKU-\(1000 + index)", title: "Artículo número \(index) de la tienda", quantity: index + 1,
                     unitPrice: 9.99 + Double(index), discount: index % 3 == 0 ? 0.1 : nil)
        }
        return Order(
            id: UUID(), projectId: "prj_01HZX3K9Q2", customer: Customer(
                id: UUID(), name: "Ada Lovelace", email: "ada@example.com", phone: "+34 600 000 000",
                address: Address(street: "Calle Mayor 1", city: "Madrid", postalCode: "28013", country: "ES")),
            items: items, tags: ["vip", "newsletter", "trial"], metadata: ["source": "web", "campaign": "spring"],
            createdAt: Date(timeIntervalSince1970: 1_760_000_000), paidAt: Date(timeIntervalSince1970: 1_760_000_360),
            notes: "Entregar por la tarde", total: items.reduce(0) { $0 + Double($1.quantity) * $1.unitPrice })
    }

    static func run(options: BenchOptions) {
        let order = sample()
        let seconds = max(options.duration / 2, 0.5)
        let binaryEncoder = BinaryEncoder()
        let binaryDecoder = BinaryDecoder()
        let jsonEncoder = JSONEncoder()
        let jsonDecoder = JSONDecoder()
        let binarySize = (try? binaryEncoder.encode(order).count) ?? 0
        let jsonSize = (try? jsonEncoder.encode(order).count) ?? 0
        precondition((try? binaryDecoder.decode(Order.self, from: binaryEncoder.encode(order))) == order)
        FileHandle.standardError.write(Data("coder: binary vs JSON, \(seconds) s each\n".utf8))
        let binary = self.measure(seconds: seconds) {
            let bytes = try binaryEncoder.encode(order)
            _ = try binaryDecoder.decode(Order.self, from: bytes)
        }
        let json = self.measure(seconds: seconds) {
            let data = try jsonEncoder.encode(order)
            _ = try jsonDecoder.decode(Order.self, from: data)
        }
        BenchOutput.line([("system", .string("wire-binary-coder")), ("value", .string("Order, 10 items")),
                          ("round_trips_per_s", .double(binary)), ("bytes", .int(binarySize))])
        BenchOutput.line([("system", .string("foundation-json")), ("value", .string("Order, 10 items")),
                          ("round_trips_per_s", .double(json)), ("bytes", .int(jsonSize))])
        BenchOutput.line([("system", .string("coder-ratio")), ("binary_over_json", .double(binary / max(json, 1)))])
    }

    /// Round trips per second of `body`, run for about `seconds`.
    static func measure(seconds: Double, _ body: () throws -> Void) -> Double {
        for _ in 0..<200 { try? body() }  // warm-up
        var count = 0
        let start = ContinuousClock.now
        let end = start + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < end {
            for _ in 0..<100 { try? body() }
            count += 100
        }
        let elapsed = ContinuousClock.now - start
        return Double(count) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
}
