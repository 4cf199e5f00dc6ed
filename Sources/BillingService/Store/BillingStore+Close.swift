import Contracts
import ServiceKit

extension BillingStore {
    /// ``BillingContract/closeAccount``: deletes the rows of an account that never moved money, in one
    /// transaction under the subscription's row lock (so a reservation racing it either comes first and makes
    /// this a conflict, or comes after and finds no account and opens a new trial — which onboarding's undo
    /// never meets, since the project's keys are gone by then).
    func closeAccount(projectID: String) async throws {
        try await pool.withTransaction { tx in
            let locked = try await tx.query(
                "SELECT 1 FROM \(table("subscriptions")) WHERE project_id = $1 FOR UPDATE", [projectID])
            guard !locked.isEmpty else { return }
            let history = try await tx.query("""
                SELECT EXISTS (SELECT 1 FROM \(table("postings")) WHERE project_id = $1)
                    OR EXISTS (SELECT 1 FROM \(table("reservations")) WHERE project_id = $1)
                    OR EXISTS (SELECT 1 FROM \(table("subscriptions")) WHERE referred_by = $1)
                """, [projectID])
            guard try history[0].decode(Bool.self, at: 0) == false else {
                throw PublicError.conflict("The project's account has money history and cannot be removed.")
            }
            for name in ["alerts", "usage", "periods", "accounts", "subscriptions"] {
                try await tx.execute("DELETE FROM \(table(name)) WHERE project_id = $1", [projectID])
            }
        }
    }
}
