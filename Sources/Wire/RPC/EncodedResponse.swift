/// A response already binary-coded, for a handler that answers many calls with the same value from a
/// cache: the server copies these bytes into each RESPONSE frame instead of encoding the value per call.
///
/// ```swift
/// let cached = try EncodedResponse(SigningKeySet(issuer: issuer, keys: keys))   // once per refresh
/// server.register(encoded: IdentityContract.publicKeys) { _, _ in cached }
/// ```
///
/// The bytes are exactly what ``BinaryEncoder`` writes for the value, so the caller decodes a `Response`.
public struct EncodedResponse<Response: Codable & Sendable>: Sendable {
    /// The binary-coded value.
    public let bytes: [UInt8]

    /// Encodes `value` once.
    public init(_ value: Response, encoder: BinaryEncoder = BinaryEncoder()) throws {
        self.bytes = try encoder.encode(value)
    }
}
