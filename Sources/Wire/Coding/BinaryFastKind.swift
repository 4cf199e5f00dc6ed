import Foundation

/// The types the coder encodes and decodes directly instead of through `encode(to:)`/`init(from:)`.
///
/// Classifying a metatype is a handful of pointer comparisons in non-generic code, so the generic entry
/// points need no `Optional<T>` or other generic metadata instantiation per value.
enum BinaryFastKind {
    case none
    case string, int, date, uuid, bool, double, int64, bytes, data
    case stringArray, intArray, int64Array, doubleArray, stringDictionary
    case url, int32, uint64, uint32, uint, float

    @inline(__always)
    init(_ type: Any.Type) {
        if type == String.self { self = .string }
        else if type == Int.self { self = .int }
        else if type == Date.self { self = .date }
        else if type == UUID.self { self = .uuid }
        else if type == Bool.self { self = .bool }
        else if type == Double.self { self = .double }
        else if type == Int64.self { self = .int64 }
        else if type == [UInt8].self { self = .bytes }
        else if type == Data.self { self = .data }
        else if type == [String].self { self = .stringArray }
        else if type == [Int].self { self = .intArray }
        else if type == [Int64].self { self = .int64Array }
        else if type == [Double].self { self = .doubleArray }
        else if type == [String: String].self { self = .stringDictionary }
        else if type == URL.self { self = .url }
        else if type == Int32.self { self = .int32 }
        else if type == UInt64.self { self = .uint64 }
        else if type == UInt32.self { self = .uint32 }
        else if type == UInt.self { self = .uint }
        else if type == Float.self { self = .float }
        else { self = .none }
    }
}

/// Reinterprets `value` as `U`; only called after `BinaryFastKind` established that `T == U`.
@inline(__always)
func binaryIdentityCast<T, U>(_ value: T, to type: U.Type) -> U {
    unsafeBitCast(value, to: U.self)
}
