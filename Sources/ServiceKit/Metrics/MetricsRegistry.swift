import Synchronization

/// Holds every metric of a process and renders them in the Prometheus text format 0.0.4.
///
/// Asking twice for the same name and labels returns the same instance, so handles can be fetched once
/// at start and kept. Names and label names are programmer input: an invalid one, a reserved label (`le`
/// on histograms) or one name used for two metric types stops the process.
///
/// ```swift
/// let metrics = MetricsRegistry()
/// let calls = metrics.counter("wire_calls_total", help: "Wire calls handled.", labels: ["method": "vault.get"])
/// calls.increment()
/// let body = metrics.render()  // serve with MetricsRegistry.contentType
/// ```
public final class MetricsRegistry: Sendable {
    /// The `Content-Type` of ``render()``'s output.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    fileprivate enum Metric {
        case counter(Counter)
        case gauge(Gauge)
        case histogram(Histogram)

        var typeName: String {
            switch self {
            case .counter: "counter"
            case .gauge: "gauge"
            case .histogram: "histogram"
            }
        }
    }

    fileprivate struct Label: Hashable, Comparable {
        let name: String
        let value: String
        static func < (lhs: Label, rhs: Label) -> Bool {
            (lhs.name, lhs.value) < (rhs.name, rhs.value)
        }
    }

    fileprivate struct Family {
        let help: String
        let typeName: String
        var series: [[Label]: Metric] = [:]
    }

    private let families = Mutex<[String: Family]>([:])

    /// Creates an empty registry.
    public init() {}

    /// The counter `name` with `labels`, created at zero on first use.
    public func counter(_ name: String, help: String, labels: [String: String] = [:]) -> Counter {
        let metric = lookUp(name, help: help, labels: labels, typeName: "counter") { .counter(Counter()) }
        guard case .counter(let counter) = metric else { preconditionFailure("metric \(name) is not a counter") }
        return counter
    }

    /// The gauge `name` with `labels`, created at zero on first use.
    public func gauge(_ name: String, help: String, labels: [String: String] = [:]) -> Gauge {
        let metric = lookUp(name, help: help, labels: labels, typeName: "gauge") { .gauge(Gauge()) }
        guard case .gauge(let gauge) = metric else { preconditionFailure("metric \(name) is not a gauge") }
        return gauge
    }

    /// The histogram `name` with `labels`, created empty on first use with `buckets` (ignored afterwards).
    public func histogram(
        _ name: String,
        help: String,
        buckets: [Double] = Histogram.defaultBuckets,
        labels: [String: String] = [:]
    ) -> Histogram {
        precondition(labels["le"] == nil, "the label le is reserved for histogram buckets")
        let metric = lookUp(name, help: help, labels: labels, typeName: "histogram") {
            .histogram(Histogram(buckets: buckets))
        }
        guard case .histogram(let histogram) = metric else { preconditionFailure("metric \(name) is not a histogram") }
        return histogram
    }

    private func lookUp(
        _ name: String,
        help: String,
        labels: [String: String],
        typeName: String,
        make: () -> Metric
    ) -> Metric {
        precondition(PrometheusFormat.isValidMetricName(name), "invalid metric name \(name)")
        precondition(labels.keys.allSatisfy(PrometheusFormat.isValidLabelName), "invalid label name in \(name)")
        let key = labels.map { Label(name: $0.key, value: $0.value) }.sorted()
        return families.withLock { families in
            var family = families[name] ?? Family(help: help, typeName: typeName)
            precondition(family.typeName == typeName, "metric \(name) is already a \(family.typeName)")
            if let existing = family.series[key] { return existing }
            let metric = make()
            family.series[key] = metric
            families[name] = family
            return metric
        }
    }

    /// Every metric in the Prometheus text exposition format 0.0.4: families sorted by name, each with
    /// `# HELP` and `# TYPE`, series sorted by labels; histograms as cumulative `_bucket{le=...}` lines
    /// ending in `+Inf`, then `_sum` and `_count`.
    public func render() -> String {
        let snapshot = families.withLock { $0 }
        var out = ""
        for (name, family) in snapshot.sorted(by: { $0.key < $1.key }) {
            out += "# HELP \(name) \(PrometheusFormat.escapeHelp(family.help))\n"
            out += "# TYPE \(name) \(family.typeName)\n"
            for (labels, metric) in family.series.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
                let pairs = labels.map { (name: $0.name, value: $0.value) }
                render(name: name, labels: pairs, metric: metric, into: &out)
            }
        }
        return out
    }

    private func render(name: String, labels: [(name: String, value: String)], metric: Metric, into out: inout String) {
        let block = PrometheusFormat.labelBlock(labels)
        switch metric {
        case .counter(let counter):
            out += "\(name)\(block) \(counter.value)\n"
        case .gauge(let gauge):
            out += "\(name)\(block) \(PrometheusFormat.number(gauge.value))\n"
        case .histogram(let histogram):
            let snapshot = histogram.snapshot()
            let bounds = snapshot.upperBounds.map(PrometheusFormat.number) + ["+Inf"]
            for (bound, count) in zip(bounds, snapshot.cumulativeCounts) {
                let bucketLabels = PrometheusFormat.labelBlock(labels + [(name: "le", value: bound)])
                out += "\(name)_bucket\(bucketLabels) \(count)\n"
            }
            out += "\(name)_sum\(block) \(PrometheusFormat.number(snapshot.sum))\n"
            out += "\(name)_count\(block) \(snapshot.count)\n"
        }
    }
}
