import Foundation

/// `TLSContext` factories taking PEM as `String` or as file paths.
extension TLSContext {
    /// A server context from PEM text. See `server(certificateChain:privateKey:trustRoots:requireClientCertificate:)`.
    public static func server(
        certificateChain: String, privateKey: String, trustRoots: String?, requireClientCertificate: Bool = true
    ) throws -> TLSContext {
        try server(
            certificateChain: Array(certificateChain.utf8), privateKey: Array(privateKey.utf8),
            trustRoots: trustRoots.map { Array($0.utf8) }, requireClientCertificate: requireClientCertificate)
    }

    /// A mesh client context from PEM text. See `client(certificateChain:privateKey:trustRoots:)`.
    public static func client(certificateChain: String, privateKey: String, trustRoots: String) throws -> TLSContext {
        try client(
            certificateChain: Array(certificateChain.utf8), privateKey: Array(privateKey.utf8),
            trustRoots: Array(trustRoots.utf8))
    }

    /// A server context from PEM files. Errors name the failing path, never the file's contents.
    public static func server(
        certificateChainPath: String, privateKeyPath: String, trustRootsPath: String?,
        requireClientCertificate: Bool = true
    ) throws -> TLSContext {
        let chain = try readPEMFile(certificateChainPath)
        let key = try readPEMFile(privateKeyPath)
        let roots = try trustRootsPath.map(readPEMFile)
        return try relabel(paths: [certificateChainPath, privateKeyPath, trustRootsPath]) {
            try server(certificateChain: chain, privateKey: key, trustRoots: roots,
                       requireClientCertificate: requireClientCertificate)
        }
    }

    /// A mesh client context from PEM files. Errors name the failing path, never the file's contents.
    public static func client(
        certificateChainPath: String, privateKeyPath: String, trustRootsPath: String
    ) throws -> TLSContext {
        let chain = try readPEMFile(certificateChainPath)
        let key = try readPEMFile(privateKeyPath)
        let roots = try readPEMFile(trustRootsPath)
        return try relabel(paths: [certificateChainPath, privateKeyPath, trustRootsPath]) {
            try client(certificateChain: chain, privateKey: key, trustRoots: roots)
        }
    }

    /// The bytes of a PEM file, or `invalidConfiguration` naming the path.
    private static func readPEMFile(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TLSError(.invalidConfiguration, reason: "cannot read \(path)")
        }
        return [UInt8](data)
    }

    /// Runs a PEM factory, prefixing a parse error with the file it came from
    /// (order: certificate chain, private key, trust roots).
    private static func relabel(paths: [String?], _ make: () throws -> TLSContext) throws -> TLSContext {
        do {
            return try make()
        } catch var error as TLSError {
            let prefixes = ["certificate chain", "private key", "trust roots"]
            for (prefix, path) in zip(prefixes, paths) where error.reason.hasPrefix(prefix) {
                if let path { error.reason = "\(path): \(error.reason)" }
                break
            }
            throw error
        }
    }
}
