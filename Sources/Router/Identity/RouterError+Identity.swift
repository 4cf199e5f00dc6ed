extension RouterError {
    /// 401 `TOKEN_EXPIRED`: the access token was valid but has expired (refresh it).
    static let tokenExpired = RouterError(
        status: 401, code: "TOKEN_EXPIRED", message: "The access token has expired.")
}
