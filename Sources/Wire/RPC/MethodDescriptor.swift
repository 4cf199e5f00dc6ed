/// A typed Wire method: its name on the wire, its request and response types, and who may call it.
///
/// Descriptors are the mesh's IDL. Each service contract declares its methods once, in one file under
/// `Sources/Wire/Contracts/`; servers register a handler under the descriptor and clients call through it,
/// so neither side ever spells a method name or a type twice:
///
/// ```swift
/// // Contracts/EchoContract.swift
/// public enum EchoContract {
///     public static let echo = MethodDescriptor<EchoMessage, EchoMessage>("echo.Echo", allowedCallers: .any)
/// }
/// // server
/// server.register(EchoContract.echo) { request, context in request }
/// // client
/// let reply = try await client.call(EchoContract.echo, EchoMessage(text: "hi"), context)
/// ```
///
/// Names follow `<service>.<Method>` and are matched byte for byte. Changing a name, or a field of the
/// request or response in a breaking way (`docs/wire.md` §7.4), makes a new method.
public struct MethodDescriptor<Request: Codable & Sendable, Response: Codable & Sendable>: Sendable, Hashable {
    /// The method's wire name, e.g. `identity.GetUser` (1 to 1024 UTF-8 bytes).
    public let name: String
    /// The caller services the server lets through; others get `permissionDenied`.
    public let allowedCallers: AllowedCallers

    /// Declares a method.
    public init(_ name: String, allowedCallers: AllowedCallers) {
        precondition(!name.utf8.isEmpty && name.utf8.count <= Frame.Request.maxMethodLength,
                     "a method name has 1 to 1024 UTF-8 bytes")
        self.name = name
        self.allowedCallers = allowedCallers
    }
}
