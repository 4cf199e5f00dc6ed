import ServiceKit

/// The Router's metrics: requests by route and status, latency, rate-limit refusals.
struct RouterMetrics: Sendable {
    /// The registry rendered at `/metrics`.
    let registry: MetricsRegistry

    /// Counts one answered request and its latency.
    func observe(route: String, method: String, status: Int, seconds: Double) {
        registry.counter(
            "router_http_requests_total", help: "HTTP requests answered, by route and status.",
            labels: ["route": route, "method": method, "status": String(status)]
        ).increment()
        registry.histogram(
            "router_http_request_duration_seconds", help: "HTTP request latency, by route.",
            labels: ["route": route, "method": method]
        ).observe(seconds)
    }

    /// Counts one rate-limit refusal of `scope` (`project` or `address`).
    func rateLimited(scope: String) {
        registry.counter(
            "router_rate_limit_refusals_total", help: "Requests refused with 429, by budget scope.",
            labels: ["scope": scope]
        ).increment()
    }
}
