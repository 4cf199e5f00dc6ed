import Dispatch
import Testing
@testable import ServiceKit

@Suite("MetricsRegistry")
struct MetricsRegistryTests {
    @Test("counters and gauges render with HELP, TYPE and sorted labels")
    func countersAndGauges() {
        let metrics = MetricsRegistry()
        metrics.counter("wire_calls_total", help: "Wire calls handled.", labels: ["method": "vault.get", "code": "ok"])
            .increment(by: 3)
        metrics.counter("wire_calls_total", help: "ignored", labels: ["code": "denied", "method": "vault.get"]).increment()
        let open = metrics.gauge("connections_open", help: "Open connections.")
        open.increment(by: 5)
        open.decrement(by: 1.5)
        #expect(metrics.render() == """
            # HELP connections_open Open connections.
            # TYPE connections_open gauge
            connections_open 3.5
            # HELP wire_calls_total Wire calls handled.
            # TYPE wire_calls_total counter
            wire_calls_total{code="denied",method="vault.get"} 1
            wire_calls_total{code="ok",method="vault.get"} 3

            """)
    }

    @Test("histograms render cumulative buckets, +Inf, _sum and _count")
    func histogram() {
        let metrics = MetricsRegistry()
        let latency = metrics.histogram("request_seconds", help: "Request time.", buckets: [0.1, 0.5, 1], labels: ["route": "/v1"])
        latency.observe(0.05)
        latency.observe(0.1)
        latency.observe(.milliseconds(300))
        latency.observe(7)
        #expect(metrics.render() == """
            # HELP request_seconds Request time.
            # TYPE request_seconds histogram
            request_seconds_bucket{route="/v1",le="0.1"} 2
            request_seconds_bucket{route="/v1",le="0.5"} 3
            request_seconds_bucket{route="/v1",le="1"} 3
            request_seconds_bucket{route="/v1",le="+Inf"} 4
            request_seconds_sum{route="/v1"} 7.45
            request_seconds_count{route="/v1"} 4

            """)
    }

    @Test("an unlabelled histogram has only le on its buckets")
    func unlabelledHistogram() {
        let metrics = MetricsRegistry()
        metrics.histogram("size_bytes", help: "Sizes.", buckets: [1024]).observe(2048)
        #expect(metrics.render() == """
            # HELP size_bytes Sizes.
            # TYPE size_bytes histogram
            size_bytes_bucket{le="1024"} 0
            size_bytes_bucket{le="+Inf"} 1
            size_bytes_sum 2048
            size_bytes_count 1

            """)
    }

    @Test("label values and help text are escaped")
    func escaping() {
        let metrics = MetricsRegistry()
        metrics.counter("odd_total", help: "Back\\slash and\nnewline.", labels: ["path": "a\"b\\c\nd"]).increment()
        #expect(metrics.render() == """
            # HELP odd_total Back\\\\slash and\\nnewline.
            # TYPE odd_total counter
            odd_total{path="a\\"b\\\\c\\nd"} 1

            """)
    }

    @Test("the same name and labels give the same instance")
    func sameInstance() {
        let metrics = MetricsRegistry()
        let first = metrics.counter("a_total", help: "A.", labels: ["x": "1"])
        #expect(first === metrics.counter("a_total", help: "A.", labels: ["x": "1"]))
        #expect(first !== metrics.counter("a_total", help: "A.", labels: ["x": "2"]))
    }

    @Test("special gauge values use Prometheus spellings")
    func specialValues() {
        #expect(PrometheusFormat.number(.infinity) == "+Inf")
        #expect(PrometheusFormat.number(-.infinity) == "-Inf")
        #expect(PrometheusFormat.number(.nan) == "NaN")
        #expect(PrometheusFormat.number(-2) == "-2")
        #expect(PrometheusFormat.number(0.005) == "0.005")
    }

    @Test("names are validated")
    func names() {
        #expect(PrometheusFormat.isValidMetricName("http:requests_total"))
        #expect(!PrometheusFormat.isValidMetricName("1abc"))
        #expect(!PrometheusFormat.isValidMetricName("a-b"))
        #expect(PrometheusFormat.isValidLabelName("_route"))
        #expect(!PrometheusFormat.isValidLabelName("__reserved"))
        #expect(!PrometheusFormat.isValidLabelName("a:b"))
    }

    @Test("updates from many threads are all counted")
    func concurrency() {
        let metrics = MetricsRegistry()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            let counter = metrics.counter("hits_total", help: "Hits.")
            let gauge = metrics.gauge("level", help: "Level.")
            let histogram = metrics.histogram("h", help: "H.", buckets: [1])
            for _ in 0..<1000 {
                counter.increment()
                gauge.increment()
                histogram.observe(0.5)
            }
        }
        #expect(metrics.counter("hits_total", help: "Hits.").value == 8000)
        #expect(metrics.gauge("level", help: "Level.").value == 8000)
        #expect(metrics.histogram("h", help: "H.").snapshot().count == 8000)
    }
}
