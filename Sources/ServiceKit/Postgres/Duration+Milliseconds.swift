/// Durations as SQL parameters: `$n::bigint * interval '1 millisecond'` takes ``Swift/Duration/wholeMilliseconds``.
extension Duration {
    /// The duration in whole milliseconds (truncated).
    public var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
