/// An error a handler may throw that has its own Wire form: the server answers with ``wireError`` instead of
/// `internal`. The contracts' public error conforms, so a service throws it directly.
///
/// ```swift
/// extension MyError: WireErrorConvertible {
///     var wireError: WireError { WireError(.notFound, "no such thing") }
/// }
/// ```
public protocol WireErrorConvertible: Error {
    /// What goes on the wire for this error.
    var wireError: WireError { get }
}
