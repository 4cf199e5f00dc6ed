import Wire

/// How a ``PublicError`` crosses the mesh: a ``WireError`` with the code's Wire code, the message, and the
/// whole value in binary encoding as its typed `detail` (`docs/wire.md` §10). A caller that does not know the
/// contract still sees a meaningful Wire code.
extension PublicError: WireErrorConvertible {
    /// The Wire form of this error.
    public var wireError: WireError {
        WireError(code.wireCode, message, detail: try? BinaryEncoder().encode(self))
    }

    /// The public error a Wire error carries, or nil when it carries none (a transport failure, a deadline,
    /// an error of a service that is not public).
    public init?(_ error: WireError) {
        guard let detail = error.detail,
            let decoded = try? BinaryDecoder().decode(PublicError.self, from: detail)
        else { return nil }
        self = decoded
    }
}
