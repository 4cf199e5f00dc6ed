import Foundation

/// Prints one JSON object per line, keys in the order given.
enum BenchOutput {
    enum Value {
        case string(String), int(Int), double(Double), precise(Double), bool(Bool), null
    }

    static func line(_ fields: [(String, Value)]) {
        let body = fields.map { key, value -> String in
            let text: String
            switch value {
            case .string(let string): text = "\"\(string)\""
            case .int(let int): text = String(int)
            case .double(let double): text = String(format: "%.1f", double)
            case .precise(let double): text = String(format: "%.3f", double)
            case .bool(let bool): text = bool ? "true" : "false"
            case .null: text = "null"
            }
            return "\"\(key)\":\(text)"
        }.joined(separator: ",")
        FileHandle.standardOutput.write(Data("{\(body)}\n".utf8))
    }
}
