import Wire

/// VaultService's methods (`vault.*`): each project's collections of JSON documents. Every method acts for
/// `CallContext.projectID` (required: a call without it is `invalidArgument`), except ``tenant`` (the
/// operator's view of one project, named in its request). Another project's names and ids look absent
/// (`NOT_FOUND`).
///
/// Collection methods need a secret key (`CallContext.keyKind == "secret"`, else `FORBIDDEN`); document
/// methods decide by the collection's ``CollectionRules`` with the key kind and the verified end user
/// (`CallContext.subject`) the Router passes.
public enum VaultContract {
    /// `vault.CreateCollection`: `CONFLICT` when the name is taken.
    public static let createCollection = MethodDescriptor<CreateCollectionRequest, CollectionView>(
        "vault.CreateCollection", allowedCallers: .only(["router"]))
    /// `vault.ListCollections`: every collection of the project, by name.
    public static let listCollections = MethodDescriptor<Empty, Page<CollectionView>>(
        "vault.ListCollections", allowedCallers: .only(["router"]))
    /// `vault.GetCollection`.
    public static let getCollection = MethodDescriptor<CollectionNameRequest, CollectionView>(
        "vault.GetCollection", allowedCallers: .only(["router"]))
    /// `vault.UpdateCollection`: new rules (absent keeps them).
    public static let updateCollection = MethodDescriptor<UpdateCollectionRequest, CollectionView>(
        "vault.UpdateCollection", allowedCallers: .only(["router"]))
    /// `vault.DeleteCollection`: the collection and its documents.
    public static let deleteCollection = MethodDescriptor<CollectionNameRequest, Empty>(
        "vault.DeleteCollection", allowedCallers: .only(["router"]))
    /// `vault.CreateDocuments`: one document or a batch (all or nothing).
    public static let createDocuments = MethodDescriptor<CreateDocumentsRequest, CreatedDocuments>(
        "vault.CreateDocuments", allowedCallers: .only(["router"]))
    /// `vault.ListDocuments`: filtered, ordered, keyset-paged.
    public static let listDocuments = MethodDescriptor<ListDocumentsRequest, DocumentPage>(
        "vault.ListDocuments", allowedCallers: .only(["router"]))
    /// `vault.GetDocument`.
    public static let getDocument = MethodDescriptor<DocumentRequest, DocumentView>(
        "vault.GetDocument", allowedCallers: .only(["router"]))
    /// `vault.WriteDocument`: a JSON Merge Patch or a replacement (which creates when absent).
    public static let writeDocument = MethodDescriptor<WriteDocumentRequest, WrittenDocument>(
        "vault.WriteDocument", allowedCallers: .only(["router"]))
    /// `vault.DeleteDocument`.
    public static let deleteDocument = MethodDescriptor<DocumentRequest, Empty>(
        "vault.DeleteDocument", allowedCallers: .only(["router"]))
    /// `vault.Tenant`: where a project's vault lives and how big it is (operators).
    public static let tenant = MethodDescriptor<TenantRequest, TenantView>(
        "vault.Tenant", allowedCallers: .only(["router"]))

    /// `vault.Move`: starts moving a project's vault online to the other tier (operators).
    public static let move = MethodDescriptor<MoveTenantRequest, TenantView>("vault.Move", allowedCallers: .only(["router"]))
    /// `vault.Migrations`: the tenant-schema migrations' progress (operators).
    public static let migrations = MethodDescriptor<Empty, VaultMigrationsView>(
        "vault.Migrations", allowedCallers: .only(["router"]))

    /// The typed client stub.
    public struct Client: Sendable {
        /// The client for VaultService's endpoints.
        public let client: WireClient

        /// Wraps a client whose endpoints serve the vault contract.
        public init(_ client: WireClient) { self.client = client }

        /// Calls `method`.
        public func call<Request, Response>(
            _ method: MethodDescriptor<Request, Response>, _ request: Request, _ context: CallContext
        ) async throws -> Response {
            try await client.call(method, request, context)
        }
    }
}
