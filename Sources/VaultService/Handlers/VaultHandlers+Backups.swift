import Contracts
import ServiceKit
import Wire

extension VaultHandlers {
    /// Registers the backup and restore methods (secret key). A backup and a restore run in the background
    /// after the call answers; their status is read with `vault.GetBackup`.
    func registerBackups(on server: WireServer) {
        server.register(VaultContract.createBackup) { _, context in
            let caller = try Caller(context)
            try caller.requireSecret()
            let backup = try await store.startBackup(projectID: caller.projectID)
            Task { await store.runBackup(id: backup.id, projectID: caller.projectID) }
            return backup
        }
        server.register(VaultContract.listBackups) { _, context in
            let caller = try Caller(context)
            try caller.requireSecret()
            return Page(data: try await store.backups(projectID: caller.projectID), nextCursor: nil)
        }
        server.register(VaultContract.getBackup) { request, context in
            let caller = try Caller(context)
            try caller.requireSecret()
            return try await store.backup(id: request.id, projectID: caller.projectID)
        }
        server.register(VaultContract.backupLines) { request, context in
            let caller = try Caller(context)
            try caller.requireSecret()
            return try await store.backupLines(request, projectID: caller.projectID)
        }
        server.register(VaultContract.restore) { request, context in
            let caller = try Caller(context)
            try caller.requireSecret()
            let backup = try await store.startRestore(id: request.id, projectID: caller.projectID)
            Task { await store.runRestore(id: backup.id, projectID: caller.projectID) }
            return backup
        }
    }
}
