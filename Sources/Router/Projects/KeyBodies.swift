/// `POST /v1/keys`: `{"kind":"publishable"|"secret"}`.
struct CreateKeyBody: RequestBody {
    var kind = APIKey.Kind.secret

    static let fields: [BodyField<Self>] = [.enumeration("kind", \.kind)]
}

/// `POST /v1/keys/{id}/rotate`: `{"grace_seconds"?}`, not negative (default one day; more than
/// ``KeyRotation/maximumGrace`` is clamped to it).
struct RotateKeyBody: RequestBody {
    /// The grace without `grace_seconds`.
    static let defaultGrace = 86_400
    /// The accepted graces.
    static let graces = 0...Int.max

    var graceSeconds: Int?

    static let fields: [BodyField<Self>] = [.integer("grace_seconds", \.graceSeconds, range: graces)]
}
