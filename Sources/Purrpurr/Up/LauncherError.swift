/// A failure of `purrpurr up` or the mesh launcher, with a message meant for the person at the terminal
/// (never holding a secret).
struct LauncherError: Error, CustomStringConvertible {
    /// What went wrong and, where possible, what to do about it.
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
