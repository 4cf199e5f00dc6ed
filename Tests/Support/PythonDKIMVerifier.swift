import Foundation

/// Verifies DKIM signatures with Debian's `python3-dkim` (dkimpy): an independent implementation that checks
/// what CommsService signs. The key record is given, not looked up (`Tests/Fixtures/dkim/dkim_verify.py`).
///
/// ```swift
/// let ok = try PythonDKIMVerifier.verify(message, keyName: "pp1._domainkey.mail.example.test",
///                                        record: "v=DKIM1; k=rsa; p=MIIB…")
/// ```
enum PythonDKIMVerifier {
    /// Whether dkimpy accepts the message's first `DKIM-Signature` with `record` published at `keyName`.
    static func verify(_ message: [UInt8], keyName: String, record: String) throws -> Bool {
        let python = SMTPTestServer.pythonPath
        let script = DNSTestServer.fixture("dkim/dkim_verify.py")
        let output = try PythonEmailParser.run(
            executable: python, arguments: (python == "/usr/bin/env" ? ["python3"] : []) + [script, keyName, record],
            input: message)
        return output.hasPrefix("PASS")
    }
}
