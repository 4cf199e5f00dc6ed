internal import COpenSSL

/// Reads the service name out of a (verified) certificate.
enum TLSPeerName {
    /// The first DNS subjectAltName, else the subject common name; nil if neither is usable text.
    static func serviceName(of certificate: OpaquePointer) -> String? {
        firstDNSName(of: certificate) ?? commonName(of: certificate)
    }

    private static func firstDNSName(of certificate: OpaquePointer) -> String? {
        guard let raw = X509_get_ext_d2i(certificate, NID_subject_alt_name, nil, nil) else { return nil }
        let names = OpaquePointer(raw)
        defer { GENERAL_NAMES_free(names) }
        for index in 0..<OPENSSL_sk_num(names) {
            guard let name = OPENSSL_sk_value(names, index)?.assumingMemoryBound(to: GENERAL_NAME.self),
                  name.pointee.type == GEN_DNS,
                  let value = text(of: name.pointee.d.dNSName)
            else { continue }
            return value
        }
        return nil
    }

    private static func commonName(of certificate: OpaquePointer) -> String? {
        guard let subject = X509_get_subject_name(certificate) else { return nil }
        let index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1)
        guard index >= 0, let entry = X509_NAME_get_entry(subject, index) else { return nil }
        var utf8: UnsafeMutablePointer<UInt8>?
        let count = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(entry))
        guard count > 0, let utf8 else { return nil }
        defer { CRYPTO_free(utf8, nil, 0) }
        let bytes = UnsafeBufferPointer(start: utf8, count: Int(count))
        return bytes.contains(0) ? nil : String(decoding: bytes, as: UTF8.self)
    }

    /// An IA5String's bytes as text, rejecting empty values and embedded NULs.
    private static func text(of string: UnsafeMutablePointer<ASN1_STRING>?) -> String? {
        guard let string, let data = ASN1_STRING_get0_data(string) else { return nil }
        let count = Int(ASN1_STRING_length(string))
        guard count > 0 else { return nil }
        let bytes = UnsafeBufferPointer(start: data, count: count)
        return bytes.contains(0) ? nil : String(decoding: bytes, as: UTF8.self)
    }
}
