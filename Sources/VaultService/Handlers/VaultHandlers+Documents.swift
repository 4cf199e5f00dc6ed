import Contracts
import ServiceKit
import Wire

extension VaultHandlers {
    /// Registers the document methods.
    func registerDocuments(on server: WireServer) {
        server.register(VaultContract.createDocuments) { request, context in
            let caller = try Caller(context)
            let (documents, batch) = try await store.createBody(request.body)
            let created = try await store.insert(documents, batch: batch, collection: request.collection, caller: caller)
            return CreatedDocuments(documents: created, batch: batch)
        }
        server.register(VaultContract.listDocuments) { request, context in
            try await store.list(request, caller: try Caller(context))
        }
        server.register(VaultContract.getDocument) { request, context in
            try await store.document(request, caller: try Caller(context))
        }
        server.register(VaultContract.writeDocument) { request, context in
            let caller = try Caller(context)
            let data = try await store.writeBody(request.body)
            return try await store.write(request, data: data, caller: caller)
        }
        server.register(VaultContract.deleteDocument) { request, context in
            try await store.delete(request, caller: try Caller(context))
            return Empty()
        }
    }
}
