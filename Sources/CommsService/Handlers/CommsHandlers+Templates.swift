import Contracts
import ServiceKit
import Wire

extension CommsHandlers {
    /// `comms.CreateTemplate`: names are unique per project (`CONFLICT` otherwise).
    func createTemplate(_ request: CreateTemplateRequest, projectID: String) async throws -> TemplateView {
        guard (1...CreateTemplateRequest.maxNameLength).contains(request.name.count),
              !request.name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { throw PublicError.validation("name", "The name must be 1 to 128 characters without control characters.") }
        let template = try EmailTemplate(subject: request.subject, text: request.text, html: request.html)
        guard let stored = try await store.insertTemplate(
            id: ResourceID.make("tpl_"), projectID: projectID, name: request.name, subject: request.subject,
            text: request.text, html: request.html)
        else {
            throw PublicError.conflict("A template with this name already exists.", field: "name")
        }
        return Self.view(stored, variables: template.variables)
    }

    /// `comms.ListTemplates`.
    func listTemplates(_ request: PageQuery, projectID: String) async throws -> Page<TemplateView> {
        let (templates, next) = try await store.listTemplates(projectID: projectID, page: request)
        return Page(data: templates.map { stored in
            let variables = (try? EmailTemplate(subject: stored.subject, text: stored.text, html: stored.html))?.variables
            return Self.view(stored, variables: variables ?? [])
        }, nextCursor: next)
    }

    private static func view(_ stored: StoredTemplate, variables: [String]) -> TemplateView {
        TemplateView(
            id: stored.id, name: stored.name, subject: stored.subject, text: stored.text, html: stored.html,
            variables: variables, createdAt: stored.createdAt)
    }
}
