import Foundation

/// Verifies DKIM signatures with Debian's `python3-dkim` (dkimpy): an independent implementation that checks
/// what CommsService signs. The key records are given, not looked up (`Tests/Fixtures/dkim/dkim_verify.py`).
///
/// ```swift
/// let algorithms = try PythonDKIMVerifier.verify(message, keys: ["pp1r._domainkey.mail.example.test": "v=DKIM1; k=rsa; p=MIIB…"])
/// // ["rsa-sha256"] when every signature verifies, [] when one does not (or there is none)
/// ```
enum PythonDKIMVerifier {
    /// The `a=` of every `DKIM-Signature` (top first) when dkimpy accepts them all with `keys` (name → TXT
    /// value) as the published records; `[]` when one fails or there is none.
    static func verify(_ message: [UInt8], keys: [String: String]) throws -> [String] {
        let python = SMTPTestServer.pythonPath
        let arguments = keys.sorted { $0.key < $1.key }.flatMap { [$0.key, $0.value] }
        let output = try PythonEmailParser.run(
            executable: python,
            arguments: (python == "/usr/bin/env" ? ["python3"] : []) + [DNSTestServer.fixture("dkim/dkim_verify.py")] + arguments,
            input: message)
        guard output.hasPrefix("PASS ") else { return [] }
        return output.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",").map(String.init)
    }

}
