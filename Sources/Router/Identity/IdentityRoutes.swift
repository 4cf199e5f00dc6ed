/// `/v1/auth/*`: end-user identity, forwarded to IdentityService over Wire.
enum IdentityRoutes {
    /// The routes.
    static let routes: [Route] = []
}
