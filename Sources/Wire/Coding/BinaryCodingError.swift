/// A failure to encode or decode a value in Wire's binary encoding.
///
/// It carries a stable `code`, the key path where it happened (`items[3].price`; dictionary keys are
/// shown as `[*]` because they are data) and a constant message. It never holds payload bytes or values.
public struct BinaryCodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The input ended inside a value.
        case truncated
        /// The value on the wire has a different shape than the type asks for (e.g. a string where an integer is expected).
        case typeMismatch
        /// A tag byte that no version of the encoding defines; the value cannot be skipped.
        case unknownWireType
        /// A required field is absent.
        case keyNotFound
        /// A nil where a value is required, or reading past the end of an unkeyed container.
        case valueNotFound
        /// A string or field name is not valid UTF-8.
        case invalidUTF8
        /// A length or count is larger than the bytes that remain, or a container does not end where its length says.
        case lengthOutOfBounds
        /// Values are nested deeper than the configured limit.
        case depthLimitExceeded
        /// An integer does not fit the requested type, or a varint is malformed.
        case numberOutOfRange
        /// Bytes remain after the top-level value.
        case trailingBytes
        /// The bytes are well formed but the type rejected the value (e.g. an unknown raw value of an enum).
        case dataCorrupted
        /// A value cannot be encoded (e.g. a non-finite `Date`).
        case invalidValue
        /// An encoding container was used after a later sibling was written (see `BinaryEncoder`).
        case containerMisuse
    }

    /// What went wrong; stable across releases.
    public let code: Code
    /// Where it went wrong, e.g. `order.items[2].sku`; empty for the top-level value.
    public let keyPath: String
    /// A constant explanation; never contains payload data.
    public let message: String

    /// Creates an error.
    public init(code: Code, keyPath: String, message: String) {
        self.code = code
        self.keyPath = keyPath
        self.message = message
    }

    init(_ code: Code, _ path: [any CodingKey], _ message: String) {
        self.init(code: code, keyPath: BinaryCodingError.render(path), message: message)
    }

    /// A generic description: code, key path and the constant message.
    public var description: String {
        "BinaryCodingError(\(code.rawValue) at \(keyPath.isEmpty ? "<root>" : keyPath)): \(message)"
    }

    /// Renders a coding path as `a.b[3].c`; integer keys as `[n]`, dictionary keys (data) as `[*]`.
    static func render(_ path: [any CodingKey]) -> String {
        var result = ""
        for key in path {
            if String(describing: type(of: key)).contains("DictionaryCodingKey") {
                result += "[*]"
            } else if let index = key.intValue {
                result += "[\(index)]"
            } else {
                if !result.isEmpty { result += "." }
                result += key.stringValue
            }
        }
        return result
    }

    /// Maps a standard `DecodingError` or `EncodingError` thrown by a type's own Codable code,
    /// dropping its debug description (which may quote the value).
    static func bridging(_ error: any Error) -> (any Error) {
        switch error {
        case let error as DecodingError:
            switch error {
            case .typeMismatch(_, let context):
                return BinaryCodingError(.typeMismatch, context.codingPath, "type mismatch")
            case .valueNotFound(_, let context):
                return BinaryCodingError(.valueNotFound, context.codingPath, "value not found")
            case .keyNotFound(let key, let context):
                return BinaryCodingError(.keyNotFound, context.codingPath + [key], "required field is missing")
            case .dataCorrupted(let context):
                return BinaryCodingError(.dataCorrupted, context.codingPath, "the type rejected the value")
            @unknown default:
                return BinaryCodingError(.dataCorrupted, [], "decoding failed")
            }
        case let error as EncodingError:
            switch error {
            case .invalidValue(_, let context):
                return BinaryCodingError(.invalidValue, context.codingPath, "the value cannot be encoded")
            @unknown default:
                return BinaryCodingError(.invalidValue, [], "encoding failed")
            }
        default:
            return error
        }
    }
}

/// The key of an element in an unkeyed container (for coding paths).
struct BinaryIndexKey: CodingKey {
    let index: Int
    init(_ index: Int) { self.index = index }
    init?(stringValue: String) { return nil }
    init?(intValue: Int) { self.index = intValue }
    var stringValue: String { "Index \(index)" }
    var intValue: Int? { index }
}

/// The key `super`, used by `superEncoder()` / `superDecoder()`.
struct BinarySuperKey: CodingKey {
    init() {}
    init?(stringValue: String) { if stringValue != "super" { return nil } }
    init?(intValue: Int) { return nil }
    var stringValue: String { "super" }
    var intValue: Int? { nil }
}
