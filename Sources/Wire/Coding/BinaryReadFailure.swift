/// A failure found by a low-level read, before the caller adds the coding path.
///
/// Readers throw this (typed) so the hot path never builds a `CodingKey` existential; the container that
/// called them turns it into a ``BinaryCodingError`` with its path and key.
struct BinaryReadFailure: Error {
    let code: BinaryCodingError.Code
    let message: String
    /// The element index inside a fast-path array, if the failure is in one.
    var index: Int?

    init(_ code: BinaryCodingError.Code, _ message: String, index: Int? = nil) {
        self.code = code
        self.message = message
        self.index = index
    }

    /// The public error at `codingPath` + `key` (+ `[index]`).
    @inline(never)
    func at(_ codingPath: [any CodingKey], _ key: (any CodingKey)? = nil) -> BinaryCodingError {
        var path = codingPath
        if let key { path.append(key) }
        if let index { path.append(BinaryIndexKey(index)) }
        return BinaryCodingError(code, path, message)
    }

    static let truncated = BinaryReadFailure(.truncated, "the input ended inside a value")
    static let lengthOutOfBounds = BinaryReadFailure(.lengthOutOfBounds, "a length or count exceeds its container")
    static let valueNotFound = BinaryReadFailure(.valueNotFound, "found nil where a value is required")
    static let typeMismatch = BinaryReadFailure(.typeMismatch, "the value has a different wire type")
    static let numberOutOfRange = BinaryReadFailure(.numberOutOfRange, "the integer does not fit the requested type")
    static let invalidUTF8 = BinaryReadFailure(.invalidUTF8, "a string is not valid UTF-8")
}
