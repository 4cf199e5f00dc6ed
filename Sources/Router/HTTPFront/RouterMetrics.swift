import ServiceKit
import Synchronization

/// The Router's metrics: requests by route and status, latency, rate-limit refusals.
///
/// The registry's lookup (name checks, a sorted label list, a locked table) is too dear for every request,
/// so the series of each (route, method, status) are looked up once and kept in ``handles``.
struct RouterMetrics: Sendable {
    /// The registry rendered at `/metrics`.
    let registry: MetricsRegistry
    /// The request counter and latency histogram already fetched, by route, method and status.
    let handles = RouterMetricsHandles()

    /// Counts one answered request and its latency.
    func observe(route: String, method: String, status: Int, seconds: Double) {
        let (requests, duration) = handles.series(route: route, method: method, status: status) {
            let requests = registry.counter(
                "router_http_requests_total", help: "HTTP requests answered, by route and status.",
                labels: ["route": route, "method": method, "status": String(status)])
            let duration = registry.histogram(
                "router_http_request_duration_seconds", help: "HTTP request latency, by route.",
                labels: ["route": route, "method": method])
            return (requests, duration)
        }
        requests.increment()
        duration.observe(seconds)
    }

    /// Counts one rate-limit refusal of `scope` (`project` or `address`).
    func rateLimited(scope: String) {
        registry.counter(
            "router_rate_limit_refusals_total", help: "Requests refused with 429, by budget scope.",
            labels: ["scope": scope]
        ).increment()
    }
}

/// The metric series ``RouterMetrics`` has already fetched from the registry. Bounded by the route table:
/// route is a template (or `unmatched`), and methods and statuses are few.
final class RouterMetricsHandles: Sendable {
    /// One series key.
    private struct Key: Hashable {
        let route: String
        let method: String
        let status: Int
    }

    /// Past this many series, new ones are looked up in the registry every time (a client sending odd
    /// methods must not grow this table without bound; the registry's own table is what it is).
    private static let capacity = 4096

    private let table = Mutex<[Key: (Counter, Histogram)]>([:])

    /// The cached series for the key, or `make()`'s (remembered while there is room).
    func series(
        route: String, method: String, status: Int, make: () -> (Counter, Histogram)
    ) -> (Counter, Histogram) {
        let key = Key(route: route, method: method, status: status)
        if let found = table.withLock({ $0[key] }) { return found }
        let made = make()
        table.withLock { table in
            if table.count < Self.capacity { table[key] = made }
        }
        return made
    }
}
