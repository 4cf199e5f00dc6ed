import Foundation
internal import COpenSSL

/// Makes P-256 keys and signs X.509 v3 certificates with OpenSSL's C API (used by `CertificateAuthority`).
/// Handles returned are owned by the caller.
enum TLSCertificateBuilder {
    /// Where a new certificate's signature comes from: itself (self-signed) or an issuer.
    enum Signer {
        case selfSigned
        case issuer(certificate: OpaquePointer, key: OpaquePointer)
    }

    /// A fresh EC P-256 key pair (`EVP_PKEY*`; free with `EVP_PKEY_free`).
    static func makeP256Key() throws -> OpaquePointer {
        TLSErrorQueue.clear()
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else {
            throw TLSErrorQueue.configurationError("EC key context")
        }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1,
              EVP_PKEY_CTX_set_group_name(context, "P-256") == 1,
              EVP_PKEY_generate(context, &key) == 1,
              let key
        else { throw TLSErrorQueue.configurationError("P-256 key generation") }
        return key
    }

    /// A signed certificate (`X509*`; free with `X509_free`) for `key`, named `commonName`, with the given
    /// `extensions` (NID, OpenSSL config value) and optional SANs, signed with SHA-256.
    static func makeCertificate(
        commonName: String, key: OpaquePointer, signer: Signer, validity: CertificateValidity,
        extensions: [(Int32, String)], dnsNames: [String] = [], ipAddresses: [String] = []
    ) throws -> OpaquePointer {
        guard validity.notAfter > validity.notBefore else {
            throw TLSError(.invalidConfiguration, reason: "validity ends before it starts")
        }
        TLSErrorQueue.clear()
        guard let certificate = X509_new() else { throw TLSErrorQueue.configurationError("X509_new") }
        do {
            guard X509_set_version(certificate, 2) == 1,  // v3
                  ASN1_TIME_set(X509_getm_notBefore(certificate), time_t(validity.notBefore.timeIntervalSince1970)) != nil,
                  ASN1_TIME_set(X509_getm_notAfter(certificate), time_t(validity.notAfter.timeIntervalSince1970)) != nil,
                  X509_set_pubkey(certificate, key) == 1,
                  X509_NAME_add_entry_by_NID(
                    X509_get_subject_name(certificate), NID_commonName, MBSTRING_UTF8, commonName, -1, -1, 0) == 1
            else { throw TLSErrorQueue.configurationError("certificate fields") }
            try setRandomSerial(certificate)
            let issuerCertificate: OpaquePointer
            let signingKey: OpaquePointer
            switch signer {
            case .selfSigned: (issuerCertificate, signingKey) = (certificate, key)
            case .issuer(let issuer, let issuerKey): (issuerCertificate, signingKey) = (issuer, issuerKey)
            }
            guard X509_set_issuer_name(certificate, X509_get_subject_name(issuerCertificate)) == 1 else {
                throw TLSErrorQueue.configurationError("issuer name")
            }
            try addExtensions(extensions, to: certificate, issuer: issuerCertificate)
            if !dnsNames.isEmpty || !ipAddresses.isEmpty {
                try addSubjectAltNames(dns: dnsNames, ip: ipAddresses, to: certificate)
            }
            guard X509_sign(certificate, signingKey, EVP_sha256()) > 0 else {
                throw TLSErrorQueue.configurationError("certificate signature")
            }
            return certificate
        } catch {
            X509_free(certificate)
            throw error
        }
    }

    /// A random positive 128-bit serial number.
    private static func setRandomSerial(_ certificate: OpaquePointer) throws {
        var bytes = [UInt8](repeating: 0, count: 16)
        guard RAND_bytes(&bytes, Int32(bytes.count)) == 1 else { throw TLSErrorQueue.configurationError("serial") }
        bytes[0] = (bytes[0] & 0x7F) | 0x40  // positive and never zero, always 16 bytes of DER content
        guard let number = BN_bin2bn(bytes, Int32(bytes.count), nil) else {
            throw TLSErrorQueue.configurationError("serial")
        }
        defer { BN_free(number) }
        guard BN_to_ASN1_INTEGER(number, X509_get_serialNumber(certificate)) != nil else {
            throw TLSErrorQueue.configurationError("serial")
        }
    }

    /// Adds extensions given as OpenSSL config values (fixed strings from this module only, never user input).
    private static func addExtensions(
        _ extensions: [(Int32, String)], to certificate: OpaquePointer, issuer: OpaquePointer
    ) throws {
        var context = X509V3_CTX()  // zeroed: no config database
        X509V3_set_ctx(&context, issuer, certificate, nil, nil, 0)
        for (nid, value) in extensions {
            guard let ext = X509V3_EXT_conf_nid(nil, &context, nid, value) else {
                throw TLSErrorQueue.configurationError("extension \(nid)")
            }
            defer { X509_EXTENSION_free(ext) }
            guard X509_add_ext(certificate, ext, -1) == 1 else {
                throw TLSErrorQueue.configurationError("extension \(nid)")
            }
        }
    }

    /// Adds a subjectAltName built structurally (no string parsing of caller-supplied names).
    private static func addSubjectAltNames(dns: [String], ip: [String], to certificate: OpaquePointer) throws {
        guard let names = GENERAL_NAMES_new() else { throw TLSErrorQueue.configurationError("subjectAltName") }
        defer { GENERAL_NAMES_free(names) }
        for name in dns {
            guard let general = GENERAL_NAME_new() else { throw TLSErrorQueue.configurationError("subjectAltName") }
            guard let ia5 = ASN1_IA5STRING_new(), ASN1_STRING_set(ia5, name, Int32(name.utf8.count)) == 1 else {
                GENERAL_NAME_free(general)
                throw TLSErrorQueue.configurationError("subjectAltName")
            }
            GENERAL_NAME_set0_value(general, GEN_DNS, ia5)
            try push(general, onto: names)
        }
        for address in ip {
            guard let octets = a2i_IPADDRESS(address) else {
                TLSErrorQueue.clear()
                throw TLSError(.invalidConfiguration, reason: "invalid IP address \"\(address)\"")
            }
            guard let general = GENERAL_NAME_new() else {
                ASN1_OCTET_STRING_free(octets)
                throw TLSErrorQueue.configurationError("subjectAltName")
            }
            GENERAL_NAME_set0_value(general, GEN_IPADD, octets)
            try push(general, onto: names)
        }
        let added = X509_add1_ext_i2d(
            certificate, NID_subject_alt_name, UnsafeMutableRawPointer(names), 0, UInt(X509V3_ADD_DEFAULT))
        guard added == 1 else { throw TLSErrorQueue.configurationError("subjectAltName") }
    }

    /// Moves `general` into the stack (freed here if the push fails).
    private static func push(_ general: UnsafeMutablePointer<GENERAL_NAME>, onto names: OpaquePointer) throws {
        guard OPENSSL_sk_push(names, general) > 0 else {
            GENERAL_NAME_free(general)
            throw TLSErrorQueue.configurationError("subjectAltName")
        }
    }
}
