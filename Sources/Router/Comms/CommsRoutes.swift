/// `/v1/comms/*`: the email channel, forwarded to CommsService over Wire.
enum CommsRoutes {
    /// The routes.
    static let routes: [Route] = []
}
