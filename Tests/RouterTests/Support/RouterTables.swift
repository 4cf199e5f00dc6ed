@testable import Router

/// Route tables for tests that need no database: the Router's documented routes behind a pipeline.
enum RouterTables {
    /// The table of the documented routes (their stores never connect).
    static func documented() throws -> RouteTable {
        let routes = try RouterRoutes.documentation()
        return RouteTable(routes: routes, pipeline: try documentationPipeline())
    }

    private static func documentationPipeline() throws -> RouterPipeline {
        RouterPipeline(app: try RouterRoutes.documentationApp())
    }
}
